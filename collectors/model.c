/*
 * model.c - the model collector's helpers and entry building: one
 * version's attrs and payload in, at most one entry out (model_internal.h).
 */
#include "model.h"
#include "model_internal.h"
#include "observe.h"
#include "../common/utf8.h"
#include "pii.h"
#include "../common/buf.h"
#include "../common/encode.h"
#include "../common/err.h"
#include "../common/hash.h"
#include "../common/json.h"
#include "../common/timeutil.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ------------------------------------------------------------------ */
/* small helpers                                                       */

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A JSON string from bytes that must be UTF-8; `what` names them in the
 * error. */
int model_json_text(json_t **out, const char *s, size_t n, const char *what)
{
	*out = NULL;
	if (!utf8_valid(s, n, NULL))
		return err_set(ERR_PARSE, "%s is not valid UTF-8 text", what);
	if (!(*out = json_stringn(s, n)))
		return err_nomem();
	return 0;
}

/* Text of a scalar read from YAML or SQLite (strings as they are, numbers
 * and booleans formatted into tmp); NULL for null, "" and containers. */
const char *model_raw_text(const json_t *v, char *tmp, size_t cap)
{
	if (json_is_string(v))
		return json_string_length(v) ? json_string_value(v) : NULL;
	if (json_is_integer(v)) {
		snprintf(tmp, cap, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return tmp;
	}
	if (json_is_real(v)) {
		snprintf(tmp, cap, "%.17g", json_real_value(v));
		return tmp;
	}
	if (json_is_boolean(v))
		return json_is_true(v) ? "true" : "false";
	return NULL;
}

/* Milliseconds since the epoch (MLflow's timestamps) -> seconds. */
static bool raw_ms(const json_t *v, int64_t *out)
{
	long long ms;
	char *end;

	if (json_is_integer(v)) {
		ms = json_integer_value(v);
	} else if (json_is_string(v) && json_string_length(v)) {
		errno = 0;
		ms = strtoll(json_string_value(v), &end, 10);
		if (errno || *end)
			return false;
	} else {
		return false;
	}
	/* Before 1970 or after 9999 is no time (common/timeutil.h); checked
	 * before negating, which overflows for LLONG_MIN. */
	if (ms < 0 || ms / 1000 > TIME_MAX)
		return false;
	*out = ms / 1000;
	return true;
}

json_t *model_time_json(bool known, int64_t t)
{
	char s[RFC3339_LEN];

	if (!known || !time_in_range(t) || time_format(s, t))
		return json_null();
	return json_string(s);
}

/* ------------------------------------------------------------------ */
/* one version in, at most one entry out                               */

/*
 * The cursor key of a version: "<name>/<version>" for MLflow (the digest
 * of its metadata) and "<name>/<version>#files" for its file digest cache.
 * Directories get "dir:" in front, so a registry and a directory collected
 * under the same source name do not take each other's cursors.
 */
char *model_version_key(const struct emit *e, const char *name, const char *version,
			 const char *suffix)
{
	size_t n = strlen(e->key_prefix) + strlen(name) + strlen(version) + strlen(suffix) + 2;
	char *key = malloc(n);

	if (key)
		snprintf(key, n, "%s%s/%s%s", e->key_prefix, name, version, suffix);
	return key;
}

/* Free text as the pii mode says (secrets always go). */
int model_scrub(const struct emit *e, const char *s, size_t n, const char *what,
		 json_t **out)
{
	struct buf b = BUF_INIT;
	int rc;

	if ((rc = pii_scrub(e->pii, e->mode, s, n, &b, NULL)) == 0)
		rc = model_json_text(out, b.data ? b.data : "", b.len, what);
	buf_free(&b);
	return rc;
}

static int scrub_raw(const struct emit *e, const json_t *v, const char *what, json_t **out)
{
	char tmp[64];
	const char *s = model_raw_text(v, tmp, sizeof(tmp));

	if (!s) {
		*out = json_null();
		return 0;
	}
	return model_scrub(e, s, strlen(s), what, out);
}

/* Every string in a JSON tree, scrubbed in place. */
int model_scrub_tree(const struct emit *e, json_t *v, const char *what)
{
	const char *key;
	json_t *x, *s;
	size_t i;
	int rc;

	if (json_is_object(v)) {
		json_object_foreach(v, key, x) {
			if (json_is_string(x)) {
				if ((rc = model_scrub(e, json_string_value(x), json_string_length(x),
						what, &s)))
					return rc;
				if (json_object_set_new(v, key, s))
					return err_nomem();
			} else if ((rc = model_scrub_tree(e, x, what))) {
				return rc;
			}
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, x) {
			if (json_is_string(x)) {
				if ((rc = model_scrub(e, json_string_value(x), json_string_length(x),
						what, &s)))
					return rc;
				if (json_array_set_new(v, i, s))
					return err_nomem();
			} else if ((rc = model_scrub_tree(e, x, what))) {
				return rc;
			}
		}
	}
	return 0;
}

/* The creator is a user id: a token (or less) unless keep. */
static int creator_json(const struct emit *e, const json_t *v, json_t **out)
{
	char tmp[64], tok[PII_TOKEN_MAX];
	const char *s = model_raw_text(v, tmp, sizeof(tmp));
	int rc;

	if (!s)
		*out = json_null();
	else if (e->mode == PII_KEEP)
		return model_scrub(e, s, strlen(s), "user_id", out);
	else if (e->mode == PII_REDACT)
		*out = json_string("<user:redacted>");
	else if ((rc = pii_token(e->pii, "user", s, strlen(s), tok)))
		return rc;
	else
		*out = json_string(tok);
	return *out ? 0 : err_nomem();
}

/* The first of `keys` present in tags, else null. */
static json_t *tag_pick(const json_t *tags, const char *const *keys)
{
	for (; *keys; keys++) {
		json_t *v = json_object_get(tags, *keys);

		if (v)
			return json_incref(v);
	}
	return json_null();
}

/* "file:///p", "file://localhost/p", "file:/p" or "/p" -> "/p"
 * (percent-decoded); false for anything not on this machine. */
bool model_local_path(const char *src, char *out, size_t cap)
{
	size_t o = 0;

	if (!strncmp(src, "file://localhost/", 17))
		src += 16;
	else if (!strncmp(src, "file://", 7))
		src += 7;
	else if (!strncmp(src, "file:", 5))
		src += 5;
	if (src[0] != '/')
		return false;
	for (; *src; src++) {
		uint8_t c;

		if (o + 1 >= cap)
			return false;
		if (src[0] == '%' && src[1] && src[2] && hex_decode(&c, 1, src + 1, 2) == 0) {
			if (!c)
				return false;
			out[o++] = (char)c;
			src += 2;
			continue;
		}
		out[o++] = *src;
	}
	out[o] = '\0';
	return true;
}

/* The digests of a local artifact path, or null when it is not local or
 * not there. */
static int artifacts_json(const struct emit *e, const char *src, const char *key,
			  json_t **out)
{
	struct file_list fl = { 0 };
	struct digests d = { 0 };
	char path[PATH_MAX], *slash;
	struct stat st;
	int rc = 0;

	*out = NULL;
	if (!src || !model_local_path(src, path, sizeof(path)) || stat(path, &st) < 0) {
		*out = json_null();
		return 0;
	}
	if (S_ISDIR(st.st_mode)) {
		rc = model_list_files(&fl, path);
	} else if (S_ISREG(st.st_mode)) {
		slash = strrchr(path, '/');
		rc = model_file_list_add(&fl, slash[1] ? slash + 1 : path, path);
	} else {
		*out = json_null();
		return 0;
	}
	if (!rc && !(rc = model_digest_files(&d, e->c, e->source, key, &fl)))
		*out = d.files;
	model_file_list_free(&fl);
	return rc;
}

/* Append an entry for version name/version when the payload's digest is
 * not the one in the cursor. */
int model_emit_entry(const struct emit *e, const char *name, const char *version,
		      const json_t *attrs, const json_t *payload, int64_t eff_from)
{
	struct buf a = BUF_INIT, p = BUF_INIT, old = BUF_INIT;
	char hex[HEX_LEN(SHA256_LEN)], *key = NULL, *seen = NULL;
	uint8_t digest[SHA256_LEN];
	struct entry_input in;
	struct observed ob;
	uint64_t index;
	bool found, again = false;
	int rc;

	if (!(key = model_version_key(e, name, version, "")) ||
	    asprintf(&seen, "seen:%s", key) < 0) {
		seen = NULL;
		rc = err_nomem();
		goto out;
	}
	if ((rc = json_stable(&a, attrs)) || (rc = json_stable(&p, payload)) ||
	    (rc = sha256(digest, p.data, p.len)))
		goto out;
	hex_encode(hex, digest, SHA256_LEN);
	/* Unchanged: no entry; the run's observation entry says it was seen
	 * again, so the registry stays fresh (collectors/observe.h).  A version
	 * recorded before observations existed is recorded once more. */
	ob = (struct observed){ e->source, seen, "model-version", "", p.data, p.len };
	if ((rc = store_cursor_get(e->c->store, e->source, key, &old, &found)))
		goto out;
	if (found && old.len == strlen(hex) && !memcmp(old.data, hex, old.len) &&
	    (rc = observe_check(e->c, &ob, &again, NULL)) == 0 && again) {
		e->r->unchanged++;
		goto out;
	}
	if (rc)
		goto out;
	memset(&in, 0, sizeof(in));
	in.kind = "model-version";
	in.source = e->source;
	in.subject = NULL;
	/* An unknown or out-of-range time (no files, a file dated 1960) is
	 * no period start: the version speaks from when it was read. */
	in.eff_from = time_in_range(eff_from) && eff_from < e->c->now ? eff_from : e->c->now;
	in.eff_to = e->c->now;
	in.collected = e->c->now;
	in.attrs = a.data;
	in.attrs_len = a.len;
	in.payload = p.data;
	in.payload_len = p.len;
	if ((rc = store_append(e->c->store, &in, &index)) ||
	    (rc = store_cursor_put(e->c->store, e->source, key, hex, strlen(hex))) ||
	    (rc = observe_recorded(e->c, &ob, index)))
		goto out;
	e->r->entries++;
out:
	free(seen);
	free(key);
	buf_free(&a);
	buf_free(&p);
	buf_free(&old);
	return rc;
}

static const char *const approval_keys[] = { "approval", "approved_by", "approved", NULL };
static const char *const dataset_keys[] = { "dataset", "training_dataset", "data", NULL };
static const char *const card_keys[] = { "model_card", "model_card_url", NULL };

/* Tags object (key -> string or null), scrubbed. */
static int tags_json(const struct emit *e, const json_t *raw, json_t **out)
{
	const char *key;
	json_t *v, *s;
	int rc;

	if (!(*out = json_object()))
		return err_nomem();
	json_object_foreach((json_t *)raw, key, v) {
		if ((rc = scrub_raw(e, v, "a tag value", &s)) || (rc = json_set(*out, key, s))) {
			json_decref(*out);
			*out = NULL;
			return rc;
		}
	}
	return 0;
}

static int aliases_json(const json_t *raw, json_t **out)
{
	const char **v = NULL;
	size_t n = json_array_size(raw), i;
	json_t *x;
	int rc = 0;

	if (!(*out = json_array()))
		return err_nomem();
	if (n && !(v = calloc(n, sizeof(*v)))) {
		rc = err_nomem();
		goto out;
	}
	json_array_foreach(raw, i, x)
		v[i] = json_string_value(x) ? json_string_value(x) : "";
	if (n)
		qsort(v, n, sizeof(*v), str_cmp);
	for (i = 0; i < n && !rc; i++)
		if (json_array_append_new(*out, json_string(v[i])))
			rc = err_nomem();
out:
	free(v);
	if (rc) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

static json_t *text_or_null(const json_t *raw, const char *key)
{
	char tmp[64];
	const char *s = model_raw_text(json_object_get(raw, key), tmp, sizeof(tmp));

	return s ? json_string(s) : json_null();
}

/* The artifacts of a version: its source when that is local, else its
 * storage location (MLflow 2.x keeps "models:/..." sources). */
static int version_artifacts(const struct emit *e, const json_t *raw, const char *name,
			     const char *version, json_t **out)
{
	const char *src = json_string_value(json_object_get(raw, "source"));
	char *key = NULL;
	int rc;

	if (!src || (strncmp(src, "file:", 5) && src[0] != '/'))
		src = json_string_value(json_object_get(raw, "storage_location"));
	if (!(key = model_version_key(e, name, version, "#files")))
		return err_nomem();
	rc = artifacts_json(e, src, key, out);
	free(key);
	return rc;
}

/* What the payload keeps beyond attrs: the free text of the version and
 * of its registered model. */
static int version_extras(const struct emit *e, const json_t *raw, json_t *payload)
{
	static const char *const fields[] = { "description", "run_link", "status_message",
					      "storage_location", NULL };
	json_t *model = NULL, *v = NULL;
	int rc;

	for (const char *const *f = fields; *f; f++)
		if ((rc = scrub_raw(e, json_object_get(raw, *f), *f, &v)) ||
		    (rc = json_set(payload, *f, v)))
			return rc;
	if (!(model = json_object()))
		return err_nomem();
	if ((rc = scrub_raw(e, json_object_get(raw, "model_description"), "description", &v)) ||
	    (rc = json_set(model, "description", v)) ||
	    (rc = tags_json(e, json_object_get(raw, "model_tags"), &v)) ||
	    (rc = json_set(model, "tags", v))) {
		json_decref(model);
		return rc;
	}
	return json_set(payload, "model", model);
}

/* The attrs of an MLflow version; *eff_from is when it speaks from. */
static int version_attrs(const struct emit *e, const json_t *raw, const char *name,
			 const char *version, json_t *attrs, int64_t *eff_from)
{
	int64_t created = 0, updated = 0;
	json_t *tags = NULL, *v = NULL;
	bool has_c, has_u;
	int rc;

	has_c = raw_ms(json_object_get(raw, "creation_timestamp"), &created);
	has_u = raw_ms(json_object_get(raw, "last_updated_timestamp"), &updated);
	*eff_from = has_c ? created : has_u ? updated : e->c->now;
	if ((rc = json_set(attrs, "name", json_string(name))) ||
	    (rc = json_set(attrs, "version", json_string(version))) ||
	    (rc = json_set(attrs, "stage", text_or_null(raw, "current_stage"))) ||
	    (rc = aliases_json(json_object_get(raw, "aliases"), &v)) ||
	    (rc = json_set(attrs, "aliases", v)) ||
	    (rc = scrub_raw(e, json_object_get(raw, "source"), "source", &v)) ||
	    (rc = json_set(attrs, "source", v)) ||
	    (rc = json_set(attrs, "run_id", text_or_null(raw, "run_id"))) ||
	    (rc = creator_json(e, json_object_get(raw, "user_id"), &v)) ||
	    (rc = json_set(attrs, "creator", v)) ||
	    (rc = json_set(attrs, "created", model_time_json(has_c, created))) ||
	    (rc = json_set(attrs, "updated", model_time_json(has_u, updated))) ||
	    (rc = json_set(attrs, "status", text_or_null(raw, "status"))) ||
	    (rc = tags_json(e, json_object_get(raw, "tags"), &tags)) ||
	    (rc = json_set(attrs, "tags", json_incref(tags))) ||
	    (rc = json_set(attrs, "approval", tag_pick(tags, approval_keys))) ||
	    (rc = json_set(attrs, "dataset", tag_pick(tags, dataset_keys))) ||
	    (rc = json_set(attrs, "model_card", tag_pick(tags, card_keys))) ||
	    (rc = version_artifacts(e, raw, name, version, &v)) ||
	    (rc = json_set(attrs, "artifacts", v)))
		goto out;
	rc = json_set(attrs, "registry", json_string(e->registry));
out:
	json_decref(tags);
	return rc;
}

/*
 * One MLflow model version.  raw holds its fields as MLflow stores them
 * (the meta.yaml names: name, version, creation_timestamp, ...) plus
 * "tags" (object), "aliases" (array), "model_description" and
 * "model_tags" (object).  `where` names the input in errors.
 */
int model_mlflow_emit(const struct emit *e, const json_t *raw, const char *where)
{
	char ntmp[64], vtmp[64];
	const char *name = model_raw_text(json_object_get(raw, "name"), ntmp, sizeof(ntmp));
	const char *version = model_raw_text(json_object_get(raw, "version"), vtmp, sizeof(vtmp));
	json_t *attrs = NULL, *payload = NULL;
	int64_t eff_from;
	int rc;

	if (!name || !version)
		return err_set(ERR_PARSE, "%s: a model version without a name or version", where);
	if (!(attrs = json_object())) {
		rc = err_nomem();
		goto out;
	}
	if ((rc = version_attrs(e, raw, name, version, attrs, &eff_from)))
		goto out;
	/* The payload adds the free text; its digest decides "changed". */
	if (!(payload = json_copy(attrs))) {
		rc = err_nomem();
		goto out;
	}
	if ((rc = version_extras(e, raw, payload)))
		goto out;
	rc = model_emit_entry(e, name, version, attrs, payload, eff_from);
out:
	json_decref(attrs);
	json_decref(payload);
	return rc;
}

/* ------------------------------------------------------------------ */
/* entry points                                                        */

int model_emit_init(struct emit *e, struct collect_ctx *c, const char *source,
		     enum pii_mode pii, struct collect_result *r, const char *registry)
{
	memset(e, 0, sizeof(*e));
	e->c = c;
	e->source = source;
	e->mode = pii;
	e->r = r;
	e->registry = registry;
	e->key_prefix = strcmp(registry, "directory") ? "" : "dir:";
	/* The run's detectors when it has them; compiling them is not free. */
	if (c->pii) {
		e->pii = c->pii;
		return 0;
	}
	e->own_pii = true;
	return pii_new(&e->pii, c->secret);
}

void model_emit_done(struct emit *e)
{
	if (e->own_pii)
		pii_free(e->pii);
}
