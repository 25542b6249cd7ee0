import { Ajv2020 } from "ajv/dist/2020";
import addFormatsModule from "ajv-formats";
import { Validator } from "@seriousme/openapi-schema-validator";

/**
 * Test helper: checks the OpenAPI document against the official OpenAPI 3.1 schema, and real
 * responses against the document (JSON Schema 2020-12 via ajv), so a handler that answers something
 * the document does not describe fails a test.
 */

type Doc = { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>> };

export async function validateOpenApiDocument(doc: unknown): Promise<{ valid: boolean; errors: unknown; version: string }> {
  const validator = new Validator();
  // structuredClone: the validator keeps (and may annotate) the object it is given.
  const result = await validator.validate(structuredClone(doc) as Record<string, unknown>);
  return { valid: result.valid, errors: result.errors, version: validator.version };
}

export interface RecordedResponse {
  method: string;
  /** the path template as written in the document, e.g. /conversations/{id} */
  template: string;
  status: number;
  contentType: string;
  body: unknown;
}

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, "~0").replace(/\//g, "~1")).join("/");
// ajv-formats is CommonJS; its callable is the default export or the module itself depending on the loader.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as typeof addFormatsModule;

export function responseValidator(doc: Doc) {
  // strict: false because the document (added whole, so its $refs resolve) has OpenAPI keywords ajv does not know.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(doc as object, "openapi.json");
  return (r: RecordedResponse): string[] => {
    const op = doc.paths[r.template]?.[r.method.toLowerCase()];
    if (!op) return [`${r.method} ${r.template} is not in the document`];
    const response = op.responses[String(r.status)];
    if (!response) return [`${r.method} ${r.template} answered ${r.status}, which the document does not list`];
    const mediaType = r.contentType.split(";")[0]?.trim() ?? "";
    if (!response.content?.[mediaType]) return [`${r.method} ${r.template} ${r.status} answered ${mediaType}, which the document does not list`];
    if (mediaType !== "application/json") return [];
    const validate = ajv.compile({
      $ref: `openapi.json#/${pointer("paths", r.template, r.method.toLowerCase(), "responses", String(r.status), "content", mediaType, "schema")}`,
    });
    if (validate(r.body)) return [];
    return (validate.errors ?? []).map((e) => `${r.method} ${r.template} ${r.status}: ${e.instancePath || "(body)"} ${e.message ?? ""}`);
  };
}
