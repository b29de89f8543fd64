#include "sources.h"
#include "command.h"
#include "../common/buf.h"
#include "../common/err.h"
#include "../common/fsutil.h"
#include "../common/timeutil.h"
#include "../common/yamlutil.h"
#include "../store/entry.h"

#include <glob.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CONFIG_MAX_BYTES ((size_t)1 << 20)

static const char *const type_names[] = {
	[SOURCE_ACCESS_LOG] = "access-log", [SOURCE_MODEL] = "model",
	[SOURCE_CONFIG] = "config", [SOURCE_COMMAND] = "command",
	[SOURCE_DOCUMENT] = "document",
};

const char *source_type_name(enum source_type t)
{
	return type_names[t];
}

static int want_pii(const struct ydoc *p, const yaml_node_t *n, enum pii_mode *out)
{
	if (!pii_mode_from_name(ydoc_scalar(n), out))
		return ydoc_at(p, n, "pii must be pseudonymise, redact or keep");
	return 0;
}

static int want_fields(const struct ydoc *p, const yaml_node_t *n, struct jsonl_fields *f)
{
	if (n->type != YAML_MAPPING_NODE)
		return ydoc_at(p, n, "'fields' must be a map like {time: ts, user: user_id}");
	for (yaml_node_pair_t *pr = n->data.mapping.pairs.start;
	     pr < n->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = ydoc_node(p, pr->key);
		yaml_node_t *v = ydoc_node(p, pr->value);
		const char *key = ydoc_scalar(k), *val = ydoc_scalar(v);
		const char **slot;

		if (!key)
			return ydoc_at(p, k, "field names must be strings");
		if (!(slot = jsonl_field_slot(f, key, strlen(key))))
			return ydoc_at(p, k, "unknown field '%s' (known: " JSONL_FIELD_NAMES ")",
				       key);
		if (!val || !*val)
			return ydoc_at(p, v, "field '%s' must name a JSON key", key);
		free((char *)*slot);
		if (!(*slot = strdup(val)))
			return err_nomem();
	}
	return 0;
}

/* Keys allowed per type, after name/type. */
static const char *allowed(enum source_type t)
{
	switch (t) {
	case SOURCE_ACCESS_LOG: return "format, paths, optional, fields, pii";
	case SOURCE_MODEL: return "mlflow, dir, model, version, pii";
	case SOURCE_CONFIG: return "paths, optional";
	case SOURCE_COMMAND: return "run, timeout, output-type";
	case SOURCE_DOCUMENT: return "paths, optional, kind, doc-type";
	}
	return "";
}

static bool key_allowed(enum source_type t, const char *key)
{
	const char *list = allowed(t), *p = list;
	size_t n = strlen(key);

	if (!n)
		return false; /* strstr() would find "" everywhere, forever */
	while ((p = strstr(p, key))) {
		if ((p == list || p[-1] == ' ') && (p[n] == ',' || p[n] == '\0'))
			return true;
		p += n;
	}
	return false;
}

static void free_list(char **v);

static int parse_source(const struct ydoc *p, const yaml_node_t *n, struct source *s)
{
	const yaml_node_t *type_node = NULL;
	const char *type;
	int rc;

	if (n->type != YAML_MAPPING_NODE)
		return ydoc_at(p, n, "each source must be a map with name and type");
	s->line = (int)n->start_mark.line + 1;
	s->timeout = 60;
	/* name and type first: the other keys depend on the type. */
	for (yaml_node_pair_t *pr = n->data.mapping.pairs.start;
	     pr < n->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = ydoc_node(p, pr->key);
		yaml_node_t *v = ydoc_node(p, pr->value);
		const char *key = ydoc_scalar(k);

		if (key && !strcmp(key, "name") &&
		    (rc = ydoc_want_string(p, v, "name", &s->name)))
			return rc;
		if (key && !strcmp(key, "type"))
			type_node = v;
	}
	if (!s->name)
		return ydoc_at(p, n, "source has no 'name'");
	if (!entry_field_valid(s->name) || strchr(s->name, ' '))
		return ydoc_at(p, n, "source name '%s' must be one word", s->name);
	if (!type_node)
		return ydoc_at(p, n, "source '%s' has no 'type' (access-log, model, config, "
			       "command or document)", s->name);
	type = ydoc_scalar(type_node);
	for (size_t i = 0;; i++) {
		if (i == sizeof(type_names) / sizeof(type_names[0]))
			return ydoc_at(p, type_node, "source '%s': unknown type '%s' (access-log, "
				       "model, config, command or document)", s->name, type ? type : "?");
		if (type && !strcmp(type, type_names[i])) {
			s->type = (enum source_type)i;
			break;
		}
	}
	for (yaml_node_pair_t *pr = n->data.mapping.pairs.start;
	     pr < n->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = ydoc_node(p, pr->key);
		yaml_node_t *v = ydoc_node(p, pr->value);
		const char *key = ydoc_scalar(k);

		if (!key)
			return ydoc_at(p, k, "keys must be strings");
		if (!strcmp(key, "name") || !strcmp(key, "type"))
			continue;
		if (!key_allowed(s->type, key))
			return ydoc_at(p, k, "source '%s': unknown key '%s' for type %s (allowed: %s)",
				       s->name, key, type_names[s->type], allowed(s->type));
		if (!strcmp(key, "format")) {
			if (!ydoc_scalar(v) || !logfmt_from_name(ydoc_scalar(v), &s->format))
				return ydoc_at(p, v, "source '%s': format must be combined, common, "
					       "jsonl, auditd or syslog", s->name);
		} else if (!strcmp(key, "paths")) {
			/* A repeated key: the last counts, as for the others. */
			free_list(s->paths);
			s->paths = NULL;
			rc = ydoc_want_list(p, v, "paths", &s->paths);
		} else if (!strcmp(key, "fields")) {
			rc = want_fields(p, v, &s->fields);
		} else if (!strcmp(key, "pii")) {
			rc = want_pii(p, v, &s->pii);
		} else if (!strcmp(key, "mlflow")) {
			rc = ydoc_want_string(p, v, key, &s->mlflow);
		} else if (!strcmp(key, "dir")) {
			rc = ydoc_want_string(p, v, key, &s->model_dir);
		} else if (!strcmp(key, "model")) {
			rc = ydoc_want_string(p, v, key, &s->model_name);
		} else if (!strcmp(key, "version")) {
			rc = ydoc_want_string(p, v, key, &s->model_version);
		} else if (!strcmp(key, "run")) {
			free_list(s->run);
			s->run = NULL;
			rc = ydoc_want_list(p, v, key, &s->run);
		} else if (!strcmp(key, "timeout")) {
			if (!ydoc_scalar(v) || duration_parse(&s->timeout, ydoc_scalar(v)) ||
			    s->timeout <= 0)
				return ydoc_at(p, v, "source '%s': timeout must be a duration: a number "
					       "and a unit s, m, h, d or w (like 30s or 2m)", s->name);
		} else if (!strcmp(key, "output-type")) {
			if (!ydoc_scalar(v) || !command_type_valid(ydoc_scalar(v)))
				return ydoc_at(p, v, "source '%s': output-type must be one lower-case "
					       "word such as rbac", s->name);
			rc = ydoc_want_string(p, v, key, &s->output_type);
		} else if (!strcmp(key, "optional")) {
			const char *b = ydoc_scalar(v);

			if (b && (!strcmp(b, "true") || !strcmp(b, "false")))
				s->optional = !strcmp(b, "true");
			else
				return ydoc_at(p, v, "source '%s': optional must be true or false",
					       s->name);
		} else if (!strcmp(key, "kind")) {
			rc = ydoc_want_string(p, v, key, &s->kind);
		} else if (!strcmp(key, "doc-type")) {
			rc = ydoc_want_string(p, v, key, &s->doc_type);
		}
		if (rc)
			return rc;
	}
	return 0;
}

/* What each type cannot do without. */
static int check_source(const struct ydoc *p, const yaml_node_t *n, const struct source *s)
{
	switch (s->type) {
	case SOURCE_ACCESS_LOG:
		if (!s->paths)
			return ydoc_at(p, n, "source '%s': an access-log needs 'paths'", s->name);
		if (s->format == LOGFMT_JSONL && !s->fields.time)
			return ydoc_at(p, n, "source '%s': a jsonl log needs 'fields' with at least "
				       "time (e.g. {time: ts, user: user_id})", s->name);
		break;
	case SOURCE_MODEL:
		if (!s->mlflow == !s->model_dir)
			return ydoc_at(p, n, "source '%s': a model source needs either 'mlflow' or "
				       "'dir'", s->name);
		if (s->model_dir && (!s->model_name || !s->model_version))
			return ydoc_at(p, n, "source '%s': a model 'dir' needs 'model' and 'version'",
				       s->name);
		break;
	case SOURCE_CONFIG:
	case SOURCE_DOCUMENT:
		if (!s->paths)
			return ydoc_at(p, n, "source '%s' needs 'paths'", s->name);
		if (s->kind && strcmp(s->kind, "document") && strcmp(s->kind, "attestation"))
			return ydoc_at(p, n, "source '%s': kind must be document or attestation",
				       s->name);
		break;
	case SOURCE_COMMAND:
		if (!s->run)
			return ydoc_at(p, n, "source '%s': a command needs 'run: [program, args...]'",
				       s->name);
		break;
	}
	return 0;
}

/* ---- profile: and retention: ---- */

/* Lowercase letters, digits and '-', starting with a letter. */
static bool framework_word_valid(const char *s)
{
	if (!*s || *s < 'a' || *s > 'z')
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
			return false;
	return true;
}

static int want_map(const struct ydoc *p, const yaml_node_t *n, const char *what,
		    const char *const *keys)
{
	if (n->type != YAML_MAPPING_NODE)
		return ydoc_at(p, n, "'%s' must be a map", what);
	return ydoc_check_keys(p, n, what, keys);
}

/* A value out of a fixed list; its index in *out. */
static int want_word(const struct ydoc *p, const yaml_node_t *n, const char *what,
		     const char *const *words, size_t nwords, const char *list, int *out)
{
	const char *s = ydoc_scalar(n);

	for (size_t i = 0; s && i < nwords; i++)
		if (!strcmp(s, words[i])) {
			*out = (int)i;
			return 0;
		}
	return ydoc_at(p, n, "%s must be one of %s, not '%s'", what, list, s ? s : "a list or map");
}

/* A scalar or a list of scalars; each element node is passed to fn. */
static int each_item(const struct ydoc *p, yaml_node_t *n, const char *what,
		     int (*fn)(const struct ydoc *, yaml_node_t *, void *), void *arg)
{
	int rc;

	if (n->type == YAML_SCALAR_NODE)
		return fn(p, n, arg);
	if (n->type != YAML_SEQUENCE_NODE || n->data.sequence.items.top ==
	    n->data.sequence.items.start)
		return ydoc_at(p, n, "'%s' must be a value or a non-empty list", what);
	for (yaml_node_item_t *it = n->data.sequence.items.start;
	     it < n->data.sequence.items.top; it++)
		if ((rc = fn(p, ydoc_node(p, *it), arg)))
			return rc;
	return 0;
}

static int add_role(const struct ydoc *p, yaml_node_t *n, void *arg)
{
	static const char *const roles[] = { "provider", "deployer", "both" };
	static const unsigned bits[] = { AI_ROLE_PROVIDER, AI_ROLE_DEPLOYER,
					 AI_ROLE_PROVIDER | AI_ROLE_DEPLOYER };
	int i, rc;

	if ((rc = want_word(p, n, "ai-act role", roles, 3, "provider, deployer or both", &i)))
		return rc;
	*(unsigned *)arg |= bits[i];
	return 0;
}

static int add_risk(const struct ydoc *p, yaml_node_t *n, void *arg)
{
	int i, rc;

	if ((rc = want_word(p, n, "ai-act risk", profile_ai_risks, AI_RISK_COUNT,
			    "high-risk, high-risk-product, limited, minimal, gpai or "
			    "gpai-systemic", &i)))
		return rc;
	*(unsigned *)arg |= 1u << i;
	return 0;
}

static int parse_ai_act(const struct ydoc *p, yaml_node_t *n, struct profile *pr)
{
	static const char *const keys[] = { "role", "risk", NULL };
	int rc;

	if ((rc = want_map(p, n, "ai-act", keys)))
		return rc;
	for (yaml_node_pair_t *x = n->data.mapping.pairs.start; x < n->data.mapping.pairs.top; x++) {
		const char *key = ydoc_scalar(ydoc_node(p, x->key));
		yaml_node_t *v = ydoc_node(p, x->value);

		if ((rc = each_item(p, v, key, !strcmp(key, "role") ? add_role : add_risk,
				    !strcmp(key, "role") ? &pr->ai_role : &pr->ai_risk)))
			return rc;
	}
	return 0;
}

static int parse_sebi(const struct ydoc *p, yaml_node_t *n, struct profile *pr)
{
	static const char *const keys[] = { "category", NULL };
	/* "small" is the profile's word, small-size the circular's (and the
	 * catalogue's applies-to value). */
	static const char *const cats[] = { "mii", "qualified", "mid-size", "small",
					    "small-size", "self-certification" };
	static const char *const stored[] = { "mii", "qualified", "mid-size", "small-size",
					      "small-size", "self-certification" };
	int rc, i;

	if ((rc = want_map(p, n, "sebi", keys)))
		return rc;
	for (yaml_node_pair_t *x = n->data.mapping.pairs.start; x < n->data.mapping.pairs.top; x++) {
		if ((rc = want_word(p, ydoc_node(p, x->value), "sebi category", cats, 6,
				    "mii, qualified, mid-size, small or self-certification", &i)))
			return rc;
		free(pr->sebi_category); /* a repeated key: the last counts */
		if (!(pr->sebi_category = strdup(stored[i])))
			return err_nomem();
	}
	return 0;
}

static int parse_hipaa(const struct ydoc *p, yaml_node_t *n, struct profile *pr)
{
	static const char *const keys[] = { "role", NULL };
	static const char *const roles[] = { "covered-entity", "business-associate" };
	int rc, i;

	if ((rc = want_map(p, n, "hipaa", keys)))
		return rc;
	for (yaml_node_pair_t *x = n->data.mapping.pairs.start; x < n->data.mapping.pairs.top; x++)
		if ((rc = want_word(p, ydoc_node(p, x->value), "hipaa role", roles, 2,
				    "covered-entity or business-associate", &i)))
			return rc;
		else
			pr->hipaa_role = i ? HIPAA_ROLE_BUSINESS_ASSOCIATE : HIPAA_ROLE_COVERED_ENTITY;
	return 0;
}

/* A list of ids (framework-id syntax) and where each is written. */
static int want_ids(const struct ydoc *p, yaml_node_t *n, const char *what,
		    char ***out, int (**pos)[2])
{
	size_t cnt;
	int rc;

	/* A key given twice: the last one counts, as for every other key. */
	free_list(*out);
	*out = NULL;
	free(*pos);
	*pos = NULL;
	if ((rc = ydoc_want_list(p, n, what, out)))
		return rc;
	for (cnt = 0; (*out)[cnt]; cnt++)
		;
	if (!(*pos = calloc(cnt + 1, sizeof(**pos))))
		return err_nomem();
	for (size_t i = 0; i < cnt; i++) {
		const yaml_node_t *it = n->type == YAML_SEQUENCE_NODE ?
			ydoc_node(p, n->data.sequence.items.start[i]) : n;

		(*pos)[i][0] = (int)it->start_mark.line + 1;
		(*pos)[i][1] = (int)it->start_mark.column + 1;
		if (!framework_word_valid((*out)[i]))
			return ydoc_at(p, it, "'%s' in %s is not an id (lowercase letters, digits "
				       "and '-')", (*out)[i], what);
		for (size_t j = 0; j < i; j++)
			if (!strcmp((*out)[j], (*out)[i]))
				return ydoc_at(p, it, "'%s' is listed twice in %s", (*out)[i], what);
	}
	return 0;
}

static int parse_profile(const struct ydoc *p, yaml_node_t *n, struct profile *pr)
{
	static const char *const keys[] = { "frameworks", "ai-act", "sebi", "hipaa",
					    "residency", NULL };
	int rc = 0;

	if (n->type == YAML_SCALAR_NODE && !*ydoc_scalar(n))
		return 0;
	if ((rc = want_map(p, n, "profile", keys)))
		return rc;
	pr->line = (int)n->start_mark.line + 1;
	for (yaml_node_pair_t *x = n->data.mapping.pairs.start;
	     x < n->data.mapping.pairs.top && !rc; x++) {
		const char *key = ydoc_scalar(ydoc_node(p, x->key));
		yaml_node_t *v = ydoc_node(p, x->value);

		if (!strcmp(key, "frameworks"))
			rc = want_ids(p, v, "profile frameworks", &pr->frameworks, &pr->fw_pos);
		else if (!strcmp(key, "ai-act"))
			rc = parse_ai_act(p, v, pr);
		else if (!strcmp(key, "sebi"))
			rc = parse_sebi(p, v, pr);
		else if (!strcmp(key, "hipaa"))
			rc = parse_hipaa(p, v, pr);
		else
			rc = want_ids(p, v, "profile residency", &pr->residency, &pr->res_pos);
	}
	return rc;
}

static int parse_retention(const struct ydoc *p, yaml_node_t *n, struct profile *pr)
{
	int k;

	if (n->type == YAML_SCALAR_NODE && !*ydoc_scalar(n))
		return 0;
	if (n->type != YAML_MAPPING_NODE)
		return ydoc_at(p, n, "'retention' must be a map like {access-log: 3y}");
	for (yaml_node_pair_t *x = n->data.mapping.pairs.start; x < n->data.mapping.pairs.top; x++) {
		yaml_node_t *kn = ydoc_node(p, x->key), *v = ydoc_node(p, x->value);
		const char *key = ydoc_scalar(kn), *val = ydoc_scalar(v);

		if (!key || (k = profile_retention_kind(key)) < 0)
			return ydoc_at(p, kn, "retention: unknown evidence kind '%s' (access-log, "
				       "document or attestation)", key ? key : "?");
		if (period_set(&pr->retention[k]))
			return ydoc_at(p, kn, "retention: '%s' is given twice", key);
		if (!val || period_parse(&pr->retention[k], val))
			return ydoc_at(p, v, "retention: %s must be a period like 2y, 18mo or "
				       "400d", key);
	}
	return 0;
}

static int parse_root(struct sources *out, const struct ydoc *p, yaml_node_t *root)
{
	yaml_node_t *srcs = NULL;
	int rc;

	if (!root)
		return 0; /* an empty file: no sources */
	if (root->type != YAML_MAPPING_NODE)
		return ydoc_at(p, root, "expected a map with origin, witness and sources");
	for (yaml_node_pair_t *pr = root->data.mapping.pairs.start;
	     pr < root->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = ydoc_node(p, pr->key);
		yaml_node_t *v = ydoc_node(p, pr->value);
		const char *key = ydoc_scalar(k);

		if (key && !strcmp(key, "origin"))
			rc = ydoc_want_string(p, v, key, &out->origin);
		else if (key && !strcmp(key, "witness"))
			rc = ydoc_want_string(p, v, key, &out->witness);
		else if (key && !strcmp(key, "sources"))
			rc = (srcs = v, 0);
		else if (key && !strcmp(key, "profile"))
			rc = parse_profile(p, v, &out->profile);
		else if (key && !strcmp(key, "retention"))
			rc = parse_retention(p, v, &out->profile);
		else
			rc = ydoc_at(p, k, "unknown key '%s' (expected origin, witness, profile, "
				     "retention, sources)", key ? key : "?");
		if (rc)
			return rc;
	}
	if (!srcs || (srcs->type == YAML_SCALAR_NODE && !*ydoc_scalar(srcs)))
		return 0;
	if (srcs->type != YAML_SEQUENCE_NODE)
		return ydoc_at(p, srcs, "'sources' must be a list");
	out->n = (size_t)(srcs->data.sequence.items.top - srcs->data.sequence.items.start);
	if (out->n && !(out->v = calloc(out->n, sizeof(*out->v))))
		return err_nomem();
	for (size_t i = 0; i < out->n; i++) {
		yaml_node_t *n = ydoc_node(p, srcs->data.sequence.items.start[i]);

		if ((rc = parse_source(p, n, &out->v[i])) || (rc = check_source(p, n, &out->v[i])))
			return rc;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(out->v[j].name, out->v[i].name))
				return ydoc_at(p, n, "source '%s' is defined twice (first at line %d)",
					       out->v[i].name, out->v[j].line);
	}
	return 0;
}

int sources_parse(struct sources *out, const char *file, const char *buf, size_t len)
{
	struct ydoc y;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = ydoc_load(&y, file, buf, len, 0)))
		return rc;
	if (!(out->profile.file = strdup(file))) {
		ydoc_free(&y);
		return err_nomem();
	}
	rc = parse_root(out, &y, ydoc_root(&y));
	ydoc_free(&y);
	if (rc)
		sources_free(out);
	return rc;
}

int sources_load(struct sources *out, const char *path)
{
	struct buf b = BUF_INIT;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = fs_read_file(&b, path, CONFIG_MAX_BYTES, NULL)))
		return rc;
	rc = sources_parse(out, path, b.data ? b.data : "", b.len);
	buf_free(&b);
	return rc;
}

static void free_list(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

void sources_free(struct sources *s)
{
	for (size_t i = 0; i < s->n; i++) {
		struct source *x = &s->v[i];

		free(x->name);
		free_list(x->paths);
		free_list(x->run);
		free(x->mlflow);
		free(x->model_dir);
		free(x->model_name);
		free(x->model_version);
		free(x->kind);
		free(x->doc_type);
		free(x->output_type);
		for (size_t k = 0; jsonl_field_name(k); k++)
			free((char *)jsonl_field_value(&x->fields, k));
	}
	free(s->v);
	free(s->origin);
	free(s->witness);
	profile_free(&s->profile);
	memset(s, 0, sizeof(*s));
}

int sources_witness_line(const char *buf, size_t len, char *out, size_t cap)
{
	const char *p = buf, *end = buf + len;

	out[0] = '\0';
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *v, *ve;

		if (!eol)
			eol = end;
		if ((size_t)(eol - p) > 8 && !memcmp(p, "witness:", 8)) {
			for (v = p + 8; v < eol && (*v == ' ' || *v == '\t'); v++)
				;
			ve = eol;
			if (v < ve && (*v == '"' || *v == '\'')) {
				const char *q = memchr(v + 1, *v, (size_t)(ve - v - 1));

				ve = q ? q : ve;
				v++;
			} else {
				for (const char *h = v; h < ve; h++)
					if (*h == '#' && (h == v || h[-1] == ' ' || h[-1] == '\t')) {
						ve = h;
						break;
					}
			}
			while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t' || ve[-1] == '\r'))
				ve--;
			if ((size_t)(ve - v) >= cap)
				return err_set(ERR_LIMIT, "witness path too long");
			memcpy(out, v, (size_t)(ve - v));
			out[ve - v] = '\0';
		}
		p = eol + 1;
	}
	return 0;
}

bool sources_is_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

void sources_free_paths(char **v)
{
	free_list(v);
}

static int push_path(char ***v, size_t *n, size_t *cap, const char *p)
{
	char **nv;

	if (*n + 1 >= *cap) {
		*cap = *cap ? *cap * 2 : 16;
		if (!(nv = realloc(*v, *cap * sizeof(*nv))))
			return err_nomem();
		*v = nv;
	}
	if (!((*v)[*n] = strdup(p)))
		return err_nomem();
	(*v)[++*n] = NULL;
	return 0;
}

int sources_expand_paths(char ***out, size_t *nout, char *const *paths, size_t n,
			 bool optional)
{
	char **v = NULL;
	size_t cnt = 0, cap = 0;
	int rc = 0;

	for (size_t i = 0; i < n && !rc; i++) {
		glob_t g;
		int gr;

		if (!sources_is_glob(paths[i])) {
			if (!optional || access(paths[i], F_OK) == 0)
				rc = push_path(&v, &cnt, &cap, paths[i]);
			continue;
		}
		gr = glob(paths[i], GLOB_ERR, NULL, &g);
		if (gr == GLOB_NOMATCH && !optional)
			rc = err_set(ERR_IO, "'%s' matches no file (a typo? a source that may "
				     "match nothing yet says 'optional: true')", paths[i]);
		else if (gr && gr != GLOB_NOMATCH)
			rc = err_set(ERR_IO, "cannot expand '%s'", paths[i]);
		for (size_t k = 0; !gr && k < g.gl_pathc && !rc; k++)
			rc = push_path(&v, &cnt, &cap, g.gl_pathv[k]);
		globfree(&g);
	}
	if (!rc && !v && !(v = calloc(1, sizeof(*v))))
		rc = err_nomem();
	if (rc) {
		free_list(v);
		v = NULL;
		cnt = 0;
	}
	*out = v;
	*nout = cnt;
	return rc;
}

const struct source *sources_find(const struct sources *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i].name, name))
			return &s->v[i];
	return NULL;
}
