import type { PGlite } from "@electric-sql/pglite";

/**
 * pg-boss's `executeSql` contract on top of PGlite.
 *
 * pg-boss sends some multi-statement SQL without parameters (its schema install and maintenance),
 * and PGlite's `query` runs a single prepared statement, so parameterless calls go through `exec`,
 * which accepts several statements and returns one result per statement.
 */
export function pgliteExecutor(pglite: PGlite) {
  return {
    async executeSql(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }> {
      if (!values || values.length === 0) {
        const results = await pglite.exec(text);
        return { rows: (results.at(-1)?.rows ?? []) as Record<string, unknown>[] };
      }
      const result = await pglite.query<Record<string, unknown>>(text, values);
      return { rows: result.rows };
    },
  };
}
