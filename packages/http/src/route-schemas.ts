/** The `{org}` path parameter of every org-scoped route: a subject-safe token, as org ids are everywhere. */
export const ORG_ID_SCHEMA = {
  type: "string",
  pattern: "^[A-Za-z0-9_-]{1,64}$",
  description: "org id: 1 to 64 characters of A-Z, a-z, 0-9, _ or -",
} as const;

/** The params of a route whose only path parameter is `{org}`. */
export const ORG_PARAMS = {
  type: "object",
  properties: { org: ORG_ID_SCHEMA },
  required: ["org"],
  additionalProperties: false,
} as const;
