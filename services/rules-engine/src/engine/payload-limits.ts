/** Deeper payloads are refused before anything recursive (schema validation, hashing, rules) sees them. */
export const MAX_PAYLOAD_DEPTH = 64;

/** Nesting depth of a parsed JSON value, measured without recursion so hostile input cannot overflow the stack. */
export function exceedsDepth(value: unknown, max = MAX_PAYLOAD_DEPTH): boolean {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop()!;
    if (current === null || typeof current !== "object") continue;
    if (depth >= max) return true;
    for (const child of Object.values(current)) stack.push({ value: child, depth: depth + 1 });
  }
  return false;
}
