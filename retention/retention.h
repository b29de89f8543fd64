/*
 * retention.h - removing evidence payloads while the log stays provable:
 * GDPR Art. 17 erasure of one data subject, and age-based retention.
 *
 * Both work inside the caller's write transaction (store_begin() ...
 * store_commit(), then store_purge() so no copy stays in the WAL): they
 * delete payload bytes and salts with store_erase() and append one
 * `tombstone` entry naming what went and why.  Leaves are never touched,
 * so every checkpoint still verifies, and `verify`/`verify-pack` accept a
 * missing payload only when a tombstone names it.
 */
#ifndef AUDITPACK_RETENTION_H
#define AUDITPACK_RETENTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "../collectors/pii.h"
#include "../store/store.h"

struct restated {
	uint64_t from, to;      /* erased entry, and the entry that replaces it */
	uint64_t lines_removed; /* the subject's lines left out of `to` */
};

struct erase_result {
	uint64_t *erased;        /* entries whose payload went (index order) */
	bool *attrs_erased;      /* parallel: their attrs mentioned it too */
	size_t nerased;
	struct restated *restated;
	size_t nrestated;
	uint64_t *in_leaf;       /* entries whose leaf itself names the subject */
	size_t nin_leaf;
	uint64_t lines_removed;
	size_t cursors;          /* collector cursors that remembered it, forgotten */
	uint64_t tombstone;      /* its index; meaningful when nerased > 0 */
};

/*
 * Erase every mention of one person, named by `subjects` (their user id,
 * e-mail, phone, ...: up to 10).  Each is a raw value (matched as written,
 * lowercased, and as the token each PII detector would have made of it) or
 * a token "<type:16 hex>" itself.
 *  - an access-log segment loses only the lines that mention it: its
 *    payload is erased and the other lines appended as a new entry of the
 *    same source and period (attrs copied, with lines, bytes, restates and
 *    erased_lines updated);
 *  - any other entry that mentions it loses its payload, and its attrs when
 *    they mention it too;
 *  - a collector cursor that remembers it (a configuration's last values)
 *    is forgotten: the next snapshot reports those keys as added.
 * Appends a tombstone (source "erase") when anything was erased.  A
 * subject shorter than 4 bytes is refused (it would match everything), as
 * is a reason that contains a subject or any personal data the PII
 * detectors find (ERR_USAGE: the tombstone is never erased).
 */
int erase_subject(struct store *s, struct pii *pii, const char *const *subjects,
		  size_t nsubjects, const char *reason, int64_t now,
		  struct progress *progress, struct erase_result *out);
void erase_result_free(struct erase_result *r);

/* A retention minimum: evidence of `kind` effective at or after keep_from is
 * kept whatever --before says.  The caller derives these from the
 * catalogues and the deployment profile (mappings/scope.h). */
struct retention_rule {
	const char *kind;
	int64_t keep_from;
	char why[320];  /* the framework, control and minimum, in one line */
};

struct prune_result {
	uint64_t *pruned;      /* entries whose payload goes (index order) */
	size_t npruned;
	uint64_t bytes;        /* payload bytes they held */
	uint64_t tombstone;
};

/*
 * Erase the payloads of entries whose evidence ended (effective-to) before
 * `before`, except tombstones.  Refuses with ERR_LIMIT (exit 3), naming
 * every rule that keeps the first protected entry and the latest `before`
 * the rules allow, when any of them falls under one of `rules`.  With
 * dry_run nothing is written: out lists what would go.  progress may be NULL.
 */
int prune_before(struct store *s, int64_t before, int64_t now, bool dry_run,
		 const struct retention_rule *rules, size_t nrules,
		 struct progress *progress, struct prune_result *out);
void prune_result_free(struct prune_result *r);

/* Internal: append the tombstone entry (kind tombstone, payload empty). */
int tombstone_append(struct store *s, const char *source, int64_t now,
		     json_t *attrs, uint64_t *index);

#endif
