/*
 * catalog.h - OSCAL 1.x control catalogues: load, validate, look up.
 *
 * A catalogue is checked against the OSCAL catalog XSD shipped with
 * auditpack (controls/schema/, no network, no external entities) before it
 * is used; errors name file:line.  Controls nest (groups in groups,
 * enhancements inside controls: NIST's AC-2(1)) and are kept flat, in
 * document order, each knowing its group and parent.
 */
#ifndef AUDITPACK_CATALOG_H
#define AUDITPACK_CATALOG_H

#include <stddef.h>

#include <jansson.h>

struct control {
	char *id;        /* the OSCAL id: art-32, a.8.15 */
	char *label;     /* the official reference: "Art. 32", "A.8.15" */
	char *title;
	char *group;     /* title of the group (chapter, clause, theme) */
	char *group_id;
	char *parent;    /* id of the enclosing control, or NULL */
	char *summary;   /* the statement part's text, whitespace folded */
	char *source;    /* the control's reference link, or NULL */
	json_t *props;   /* every other prop: name -> value (array if repeated) */
	int line;        /* where it is in the file */
};

struct catalog {
	char *framework; /* the id users type: gdpr, iso27001, nist-800-53 */
	char *title;
	char *version;
	char *source;    /* the document it is drawn from */
	char *path;
	struct control *v;
	size_t n;
};

/*
 * Size limits of a catalogue, built-in or imported (docs/configuration.md,
 * "Catalogue limits").  Every command loads every catalogue, so none may be
 * costly to hold: catalog_load() refuses one over a limit with ERR_LIMIT,
 * naming the file (and line) and the limit.  The largest public catalogue,
 * NIST SP 800-53 rev. 5 (2 MB, 1 189 controls), is well inside them.
 */
#define CATALOG_MAX_BYTES ((size_t)16 << 20)   /* the file */
#define CATALOG_MAX_CONTROLS 10000             /* controls and enhancements */
#define CATALOG_MAX_TITLE 1024                 /* a catalogue, group or control title,
						* a version (bytes) */
#define CATALOG_MAX_ID 256                     /* an id or a label */
#define CATALOG_MAX_PROSE ((size_t)64 << 10)   /* a control's statement text */
#define CATALOG_MAX_PROPS 256                  /* props of one control */
#define CATALOG_MAX_VALUE 4096                 /* a prop's name or value, a link */

/*
 * Load and validate a catalogue.  The framework id is the catalogue's
 * framework-id prop (https://auditpack.dev/ns/oscal), else `framework` when
 * not NULL, else derived from the file name.  Duplicate control ids are an
 * error (file:line), as is a catalogue over a limit above.
 */
int catalog_load(struct catalog *out, const char *path, const char *framework);
void catalog_free(struct catalog *c);

/* By id, or by label compared without regard to case or spaces. */
const struct control *catalog_find(const struct catalog *c, const char *id_or_label);

struct catalogs {
	struct catalog *v;
	size_t n;
};

/* Every *.xml in the built-in controls directory, then in `extra_dir`
 * (the store's imported catalogues; may be NULL or missing), sorted by
 * framework id.  A framework id defined twice is an error. */
int catalogs_load(struct catalogs *out, const char *extra_dir);
void catalogs_free(struct catalogs *cs);
const struct catalog *catalogs_find(const struct catalogs *cs, const char *framework);

/* catalogs_find(), or NULL after err_set(ERR_USAGE, "no framework 'X' (did
 * you mean 'Y'?) ...") with the nearest framework id.  Ids match without
 * case, '_' standing for '-' (GDPR, eu_ai_act). */
const struct catalog *catalogs_want(const struct catalogs *cs, const char *framework);

/* catalog_find(), or NULL after err_set(ERR_USAGE, "FW has no control 'X'
 * (did you mean 'Y'?) ...") with the nearest label or id. */
const struct control *catalog_want(const struct catalog *c, const char *id_or_label);

/* A framework id users can type: lowercase letters, digits, '-'. */
int framework_id_valid(const char *id);

#endif
