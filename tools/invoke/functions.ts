import {
  API_ROUTES,
  AUTHORIZER_HANDLER,
  BACKGROUND_HANDLERS,
  DEFAULT_ROUTE_HANDLER,
} from '../../functions/handlers/routes.ts';

/** Every function of the service, by its handler module (functions/handlers/<name>.ts). */
export const FUNCTIONS: readonly string[] = [
  ...new Set([
    ...API_ROUTES.map((route) => route.handler),
    DEFAULT_ROUTE_HANDLER,
    AUTHORIZER_HANDLER,
    ...Object.values(BACKGROUND_HANDLERS),
  ]),
].sort();
