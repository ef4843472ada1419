import { z } from 'zod';
import { ZErrorBody } from '@deskmate/shared';
import type { RouteDefinition } from './route.js';

const toSchema = (schema: z.ZodType, io: 'input' | 'output') => z.toJSONSchema(schema, { io, unrepresentable: 'any' });

/** OpenAPI 3.1, generated from the same route table and zod schemas the server validates with. */
export function openApiDocument(routes: RouteDefinition[], version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = `/api${route.path.replace(/:(\w+)/g, '{$1}')}`;
    const parameters: unknown[] = [];
    for (const [where, schema] of [
      ['path', route.params],
      ['query', route.query],
    ] as const) {
      if (!schema) continue;
      const json = toSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, s] of Object.entries(json.properties ?? {})) {
        parameters.push({
          name,
          in: where,
          required: where === 'path' || (json.required ?? []).includes(name),
          schema: s,
        });
      }
    }
    const status = String(route.status ?? (route.response ? 200 : 204));
    paths[path] ??= {};
    paths[path][route.method] = {
      summary: route.summary,
      'x-access': route.access,
      ...(route.scopes ? { 'x-scopes': route.scopes } : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(route.body
        ? {
            requestBody: { required: true, content: { 'application/json': { schema: toSchema(route.body, 'input') } } },
          }
        : {}),
      responses: {
        [status]: route.response
          ? { description: 'OK', content: { 'application/json': { schema: toSchema(route.response, 'output') } } }
          : { description: 'OK' },
        default: {
          description: 'An error',
          content: { 'application/json': { schema: toSchema(ZErrorBody, 'output') } },
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Deskmate API', version },
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'deskmate_session' },
        bearer: { type: 'http', scheme: 'bearer' },
      },
    },
    security: [{ session: [] }, { bearer: [] }],
    paths,
  };
}
