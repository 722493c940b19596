// @ts-check
import tseslint from "typescript-eslint";

/**
 * Type-aware checks that tsc does not make: promises nobody awaits or handles, promises handed to
 * callers that ignore what they return, awaits of things that are not promises, throws and rejections
 * of things that are not errors. Types come from tsconfig.check.json, so every TypeScript file the
 * typecheck sees is linted (JavaScript files are not: there are no types to check them with).
 * Formatting is prettier's.
 */
export default tseslint.config(
  {
    ignores: [
      "**/node_modules/**",
      "**/dist/**",
      "bench/results/**",
      "bench/.node-red/**",
      "**/*.{js,cjs,mjs}",
    ],
  },
  {
    files: ["**/*.ts"],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { project: "./tsconfig.check.json", tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "@typescript-eslint": tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/await-thenable": "error",
      "@typescript-eslint/only-throw-error": "error",
      "@typescript-eslint/prefer-promise-reject-errors": "error",
      "@typescript-eslint/no-for-in-array": "error",
      "@typescript-eslint/no-implied-eval": "error",
      "@typescript-eslint/no-array-delete": "error",
    },
  },
);
