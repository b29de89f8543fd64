/*
 * pack_entries.h - the evidence entries of an audit pack (internal to
 * reports/pack_verify.c).
 */
#ifndef AUDITPACK_PACK_ENTRIES_H
#define AUDITPACK_PACK_ENTRIES_H

#include "pack_read.h"
#include "../store/note.h"

#include <jansson.h>

/*
 * Every evidence/N.leaf of p against the checkpoint cp: the leaf parses and
 * names N, its inclusion proof reaches cp, its attrs match the leaf's
 * digest, its payload (with its salt) the commitment; entries without a
 * payload, or with empty attrs, pass only when the statement st lists them
 * as erased and a tombstone in the pack names them (r->erased_list, in
 * ascending order).  Problems go to r; an error only when the verifier
 * itself fails.
 */
int pack_check_entries(struct pack *p, json_t *st, const struct checkpoint *cp,
		       struct pack_report *r);

#endif
