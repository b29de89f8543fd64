/*
 * pack_scan.h - the manifest of an audit pack, read in place (internal to
 * reports/pack_verify.c): the DSSE envelope's fields and the in-toto
 * statement, its subject list applied to the pack's members.
 */
#ifndef AUDITPACK_PACK_SCAN_H
#define AUDITPACK_PACK_SCAN_H

#include "pack_read.h"

#include <jansson.h>

/* The DSSE envelope's fields, read in place: the payload is most of the
 * manifest and is decoded straight from the file's bytes. */
struct pack_envelope {
	const char *payload;      /* base64, as in the file (or in `unescaped`) */
	size_t payload_len;
	struct buf unescaped, type, sig;
};

/* Read the envelope in text[0..len) into e (zeroed by the caller; free it
 * with pack_envelope_free whatever the result); false when it is not one
 * with a payload, a payloadType and a signature. */
bool pack_scan_envelope(const char *text, size_t len, struct pack_envelope *e);

void pack_envelope_free(struct pack_envelope *e);

/* The statement in body[0..len): each subject marks its member of p listed
 * with the digest it wants (problems for subjects missing from the pack);
 * every other member of the statement as JSON.  NULL when it is not a JSON
 * object. */
json_t *pack_scan_statement(struct pack *p, const char *body, size_t len,
			    struct pack_report *r);

#endif
