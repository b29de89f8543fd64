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

#endif
