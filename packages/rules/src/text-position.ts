export interface TextPosition {
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units: a tab is one column, as in most compilers' messages. */
  column: number;
}

/** Where character offsets into one text fall, by line and column; the lines are found once. */
export function textPositions(text: string): (offset: number) => TextPosition {
  const starts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return (offset) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      if (starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - starts[low]! + 1 };
  };
}
