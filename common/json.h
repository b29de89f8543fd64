/*
 * json.h - stable JSON text for committed data (jansson).
 *
 * Attrs are committed by the digest of their exact bytes, so they are
 * always written the same way: compact, keys sorted, UTF-8 unescaped.
 */
#ifndef AUDITPACK_JSON_H
#define AUDITPACK_JSON_H

#include <jansson.h>

#include "buf.h"

/* Append the stable encoding of v to out.  0 or ERR_NOMEM. */
int json_stable(struct buf *out, const json_t *v);

/*
 * json_object_set_new and json_array_append_new that report a failure:
 * v NULL (its allocation failed) or the insertion failing is ERR_NOMEM
 * (keys must be UTF-8: check untrusted ones first).  v is consumed either
 * way, so `json_set(o, "k", json_string(s))` needs no cleanup.
 */
int json_set(json_t *o, const char *key, json_t *v);
int json_push(json_t *a, json_t *v);

#endif
