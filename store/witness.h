/*
 * witness.h - checkpoints copied to a directory the store's host should not
 * be able to rewrite (another host's mount, a WORM bucket).
 *
 * Each signed checkpoint is written as DIR/<size>.checkpoint, created once
 * and never modified or renamed, so the directory works on storage that
 * only allows new objects.  A later checkpoint of the same size (after a key
 * rotation) with the same body is not written again; one with a different
 * root is a fork and refused.  `verify --against DIR` takes the largest.
 */
#ifndef AUDITPACK_WITNESS_H
#define AUDITPACK_WITNESS_H

#include <stdbool.h>
#include <stdint.h>

#include "../common/buf.h"
#include "note.h"

/*
 * Before signing a tree of `size` entries with root `root`: refuse (ERR_VERIFY
 * naming the witness) when the witness already holds a larger checkpoint
 * (the store lost entries) or another root at this size.
 */
int witness_check(const char *dir, const struct checkpoint *cp);

/* Write the signed checkpoint note for cp into dir (see above). */
int witness_put(const char *dir, const struct checkpoint *cp,
		const char *note, size_t len);

/*
 * The witness checkpoint to verify against: `path` is a checkpoint file, or
 * a witness directory whose largest <size>.checkpoint is taken.  *found is
 * false for a directory without any.
 */
int witness_latest(const char *path, struct buf *note, bool *found);

#endif
