/** A UUID as PostgreSQL's uuid columns accept it: check ids from outside before a lookup, so a malformed one is a refusal, not a database error. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);
