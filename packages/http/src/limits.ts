/** Longest path segment the router accepts; route schemas bound each parameter more tightly, by name. */
export const MAX_PATH_SEGMENT_LENGTH = 1000;
