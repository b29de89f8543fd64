#include "policy.h"
#include "../common/err.h"
#include "../common/fsutil.h"
#include "../common/timeutil.h"
#include "../common/yamlutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DURATION_MAX ((int64_t)36500 * 86400) /* 100 years */
#define DEFAULT_NAME "(default policy)"

enum { K_FRAMEWORKS, K_REQUIRE, K_EXCLUDE, K_FAIL_ON, K_MAX_AGE, K_WARN_BEFORE, K_UPCOMING,
       K_COUNT };

static const char *const policy_keys[K_COUNT + 1] = {
	"frameworks", "require", "exclude", "fail-on", "max-age", "warn-before", "upcoming", NULL,
};
static const char *const exclude_keys[] = { "control", "justification", "expires", "finding",
					    NULL };

struct parse {
	const struct ydoc *y;
	const struct catalogs *cs;
	struct gate_policy *out;
};

/* ---- lists ---- */

/* `key:` with nothing after it, or ~ / null. */
static bool is_null(const yaml_node_t *n)
{
	const char *s = ydoc_scalar(n);

	return s && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	       (!*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
		!strcmp(s, "NULL"));
}

/* A list value: a sequence, one scalar (a list of one), or null (empty,
 * when allowed).  *n receives the number of items. */
static int list_len(const struct ydoc *y, const yaml_node_t *v, const char *key,
		    bool may_be_empty, size_t *n)
{
	if (v->type == YAML_SEQUENCE_NODE)
		*n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
	else if (is_null(v))
		*n = 0;
	else if (v->type == YAML_SCALAR_NODE)
		*n = 1;
	else
		return ydoc_at(y, v, "'%s' must be a list", key);
	if (!*n && !may_be_empty)
		return ydoc_at(y, v, "'%s' is an empty list", key);
	return 0;
}

static const yaml_node_t *list_item(const struct ydoc *y, const yaml_node_t *v, size_t i)
{
	return v->type == YAML_SEQUENCE_NODE ? ydoc_node(y, v->data.sequence.items.start[i]) : v;
}

/* ---- controls ---- */

static void control_free(struct policy_control *c)
{
	free(c->framework);
	free(c->id);
	free(c->label);
	free(c->ref);
	free(c->justification);
}

/* "FW:LABEL" or "FW:ID" at node n, looked up in the catalogues. */
static int resolve(const struct parse *p, const yaml_node_t *n, const char *key,
		   struct policy_control *out)
{
	const char *s = ydoc_scalar(n), *colon;
	const struct catalog *cat = NULL;
	const struct control *ctl;
	char fw[72];

	if (!s || !*s)
		return ydoc_at(p->y, n, "'%s' must name a control as FW:LABEL or FW:ID "
			       "(like iso27001:A.5.9)", key);
	colon = strchr(s, ':');
	if (!colon || colon == s || !colon[1])
		return ydoc_at(p->y, n, "'%s' is not FW:LABEL or FW:ID (like iso27001:A.5.9)", s);
	if ((size_t)(colon - s) < sizeof(fw)) {
		snprintf(fw, sizeof(fw), "%.*s", (int)(colon - s), s);
		cat = catalogs_find(p->cs, fw);
	}
	if (!cat)
		return ydoc_at(p->y, n, "unknown framework '%.*s' in '%s' (see 'auditpack "
			       "frameworks')", (int)(colon - s), s, s);
	if (!(ctl = catalog_find(cat, colon + 1)))
		return ydoc_at(p->y, n, "unknown control '%s': %s has no control '%s' (see "
			       "'auditpack controls %s')", s, cat->framework, colon + 1,
			       cat->framework);
	out->line = n->start_mark.line + 1;
	out->framework = strdup(cat->framework);
	out->id = strdup(ctl->id);
	out->label = strdup(ctl->label);
	if (asprintf(&out->ref, "%s:%s", cat->framework, ctl->id) < 0)
		out->ref = NULL;
	if (!out->framework || !out->id || !out->label || !out->ref)
		return err_nomem();
	return 0;
}

static const struct policy_control *find_ref(const struct policy_control *v, size_t n,
					     const char *ref)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].ref, ref))
			return &v[i];
	return NULL;
}

/* ---- the keys ---- */

static int parse_frameworks(const struct parse *p, const yaml_node_t *v)
{
	struct gate_policy *out = p->out;
	size_t n;
	int rc;

	if ((rc = list_len(p->y, v, "frameworks", true, &n)))
		return rc;
	if (!(out->frameworks = calloc(n + 1, sizeof(*out->frameworks))))
		return err_nomem();
	for (size_t i = 0; i < n; i++) {
		const yaml_node_t *it = list_item(p->y, v, i);
		const char *s = ydoc_scalar(it);
		const struct catalog *cat;

		if (!s || !*s)
			return ydoc_at(p->y, it, "'frameworks' must be a list of framework ids");
		if (!(cat = catalogs_find(p->cs, s)))
			return ydoc_at(p->y, it, "unknown framework '%s' (see 'auditpack "
				       "frameworks')", s);
		for (size_t j = 0; j < out->nframeworks; j++)
			if (!strcmp(out->frameworks[j], s))
				return ydoc_at(p->y, it, "framework '%s' is listed twice", s);
		if (!(out->frameworks[out->nframeworks] = strdup(cat->framework)))
			return err_nomem();
		out->nframeworks++;
	}
	return 0;
}

static int parse_require(const struct parse *p, const yaml_node_t *v)
{
	struct gate_policy *out = p->out;
	const struct policy_control *dup;
	size_t n;
	int rc;

	if ((rc = list_len(p->y, v, "require", true, &n)))
		return rc;
	if (!(out->require = calloc(n + 1, sizeof(*out->require))))
		return err_nomem();
	for (size_t i = 0; i < n; i++) {
		const yaml_node_t *it = list_item(p->y, v, i);
		struct policy_control *c = &out->require[out->nrequire++];

		if ((rc = resolve(p, it, "require", c)))
			return rc;
		if ((dup = find_ref(out->require, i, c->ref)))
			return ydoc_at(p->y, it, "%s:%s is required twice (first at line %zu)",
				       c->framework, c->label, dup->line);
	}
	return 0;
}

/* {control: FW:LABEL, justification: why} */
static int parse_one_exclude(const struct parse *p, const yaml_node_t *m,
			     struct policy_control *c)
{
	const yaml_node_t *ctl = NULL, *why = NULL;
	const char *s;
	int rc;

	if (m->type != YAML_MAPPING_NODE)
		return ydoc_at(p->y, m, "each exclude must be a map with 'control' and "
			       "'justification'");
	if ((rc = ydoc_check_keys(p->y, m, "an exclude", exclude_keys)))
		return rc;
	for (yaml_node_pair_t *pr = m->data.mapping.pairs.start;
	     pr < m->data.mapping.pairs.top; pr++) {
		if (!strcmp(ydoc_scalar(ydoc_node(p->y, pr->key)), "control"))
			ctl = ydoc_node(p->y, pr->value);
		else if (!strcmp(ydoc_scalar(ydoc_node(p->y, pr->key)), "justification"))
			why = ydoc_node(p->y, pr->value);
	}
	if (!ctl)
		return ydoc_at(p->y, m, "an exclude needs 'control' (FW:LABEL or FW:ID)");
	if ((rc = resolve(p, ctl, "control", c)))
		return rc;
	if (!why)
		return ydoc_at(p->y, m, "the exclude of %s:%s has no 'justification': say why "
			       "it is out of scope", c->framework, c->label);
	s = ydoc_scalar(why);
	if (!s || is_null(why) || !s[strspn(s, " \t\r\n")])
		return ydoc_at(p->y, why, "the justification of %s:%s must be a non-empty "
			       "string", c->framework, c->label);
	if (!(c->justification = strdup(s)))
		return err_nomem();
	c->why_line = why->start_mark.line + 1;
	c->why_column = why->start_mark.column + 1;
	if (find_ref(p->out->require, p->out->nrequire, c->ref))
		return ydoc_at(p->y, ctl, "%s:%s is both required and excluded", c->framework,
			       c->label);
	return 0;
}

/* The value of `key` in mapping m, or NULL. */
static const yaml_node_t *map_get(const struct parse *p, const yaml_node_t *m, const char *key)
{
	if (m->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *pr = m->data.mapping.pairs.start;
	     pr < m->data.mapping.pairs.top; pr++) {
		const char *k = ydoc_scalar(ydoc_node(p->y, pr->key));

		if (k && !strcmp(k, key))
			return ydoc_node(p->y, pr->value);
	}
	return NULL;
}

/* `expires: DATE` (the end of that day, UTC) or an RFC 3339 time; 0 if absent. */
static int parse_expires(const struct parse *p, const yaml_node_t *m, int64_t *out)
{
	const yaml_node_t *v = map_get(p, m, "expires");
	const char *s = v ? ydoc_scalar(v) : NULL;
	char day[32];

	*out = 0;
	if (!v)
		return 0;
	/* a plain date lasts to the end of that day (UTC) */
	if (s && strlen(s) == 10)
		s = snprintf(day, sizeof(day), "%sT23:59:59Z", s) < (int)sizeof(day) ? day : s;
	if (!s || time_parse(out, s))
		return ydoc_at(p->y, v, "'expires' must be a date (2026-12-31) or an RFC 3339 "
			       "time");
	return 0;
}

/* {finding: ID, justification: why, expires: DATE}: one finding accepted. */
static int parse_one_accept(const struct parse *p, const yaml_node_t *m, struct assess_accept *a)
{
	const yaml_node_t *f = map_get(p, m, "finding"), *why = map_get(p, m, "justification");
	const char *id = ydoc_scalar(f), *s = why ? ydoc_scalar(why) : NULL;
	int rc;

	a->line = m->start_mark.line + 1;
	if (map_get(p, m, "control"))
		return ydoc_at(p->y, m, "an exclude names either a 'control' or a 'finding', "
			       "not both");
	if (!id || strlen(id) != FINDING_ID_LEN ||
	    strspn(id, "0123456789abcdef") != FINDING_ID_LEN)
		return ydoc_at(p->y, f, "'finding' must be a finding id: %d lower-case hex "
			       "digits (see assess --json)", FINDING_ID_LEN);
	if (!s || is_null(why) || !s[strspn(s, " \t\r\n")])
		return ydoc_at(p->y, why ? why : m, "the exclude of finding %s needs a non-empty "
			       "'justification': say why the risk is accepted", id);
	if ((rc = parse_expires(p, m, &a->expires)))
		return rc;
	if (!(a->finding = strdup(id)) || !(a->justification = strdup(s)))
		return err_nomem();
	return 0;
}

static int parse_exclude(const struct parse *p, const yaml_node_t *v)
{
	struct gate_policy *out = p->out;
	const struct policy_control *dup;
	size_t n;
	int rc;

	if ((rc = list_len(p->y, v, "exclude", true, &n)))
		return rc;
	if (!(out->exclude = calloc(n + 1, sizeof(*out->exclude))) ||
	    !(out->exclude_ref = calloc(n + 1, sizeof(*out->exclude_ref))) ||
	    !(out->exclude_why = calloc(n + 1, sizeof(*out->exclude_why))) ||
	    !(out->exclude_expires = calloc(n + 1, sizeof(*out->exclude_expires))) ||
	    !(out->accept = calloc(n + 1, sizeof(*out->accept))))
		return err_nomem();
	for (size_t i = 0; i < n; i++) {
		const yaml_node_t *it = list_item(p->y, v, i);
		struct policy_control *c;
		size_t k = out->nexclude;

		if (map_get(p, it, "finding")) {
			if ((rc = ydoc_check_keys(p->y, it, "an exclude", exclude_keys)) ||
			    (rc = parse_one_accept(p, it, &out->accept[out->naccept++])))
				return rc;
			for (size_t j = 0; j + 1 < out->naccept; j++)
				if (!strcmp(out->accept[j].finding, out->accept[out->naccept - 1].finding))
					return ydoc_at(p->y, it, "finding %s is excluded twice (first "
						       "at line %zu)", out->accept[j].finding,
						       out->accept[j].line);
			continue;
		}
		c = &out->exclude[out->nexclude++];
		if ((rc = parse_one_exclude(p, it, c)) ||
		    (rc = parse_expires(p, it, &out->exclude_expires[k])))
			return rc;
		if ((dup = find_ref(out->exclude, k, c->ref)))
			return ydoc_at(p->y, it, "%s:%s is excluded twice (first at line %zu)",
				       c->framework, c->label, dup->line);
		out->exclude_ref[k] = c->ref;
		out->exclude_why[k] = c->justification;
	}
	return 0;
}

static int parse_fail_on(const struct parse *p, const yaml_node_t *v)
{
	bool *fail_on = p->out->fail_on;
	enum status st;
	size_t n;
	int rc;

	if ((rc = list_len(p->y, v, "fail-on", false, &n)))
		return rc;
	memset(p->out->fail_on, 0, sizeof(p->out->fail_on));
	for (size_t i = 0; i < n; i++) {
		const yaml_node_t *it = list_item(p->y, v, i);
		const char *s = ydoc_scalar(it);

		if (!s || !status_from_name(s, &st))
			return ydoc_at(p->y, it, "unknown status '%s' in fail-on (expected fail, "
				       "stale, missing, manual)", s ? s : "?");
		if (st == ST_PASS || st == ST_NA)
			return ydoc_at(p->y, it, "'%s' cannot fail the gate (fail-on takes fail, "
				       "stale, missing, manual)", s);
		fail_on[st] = true;
	}
	return 0;
}

static int parse_duration(const struct parse *p, const yaml_node_t *v, const char *key,
			  bool positive, int64_t *out)
{
	const char *s = ydoc_scalar(v);

	if (!s || duration_parse(out, s) || (positive && *out == 0))
		return ydoc_at(p->y, v, "'%s' must be a duration like 7d, 12h or 30m%s", key,
			       positive ? ", more than 0" : "");
	if (*out > DURATION_MAX)
		return ydoc_at(p->y, v, "'%s' is more than 100 years", key);
	return 0;
}

static int parse_root(const struct parse *p, const yaml_node_t *root)
{
	const yaml_node_t *val[K_COUNT] = { NULL };
	struct gate_policy *out = p->out;
	int rc = 0;

	if (!root)
		return err_set(ERR_PARSE, "%s:1:1: the policy is empty (it needs 'frameworks' "
			       "or 'require')", p->y->file);
	if (root->type != YAML_MAPPING_NODE)
		return ydoc_at(p->y, root, "a policy is a map of frameworks, require, exclude, "
			       "fail-on, max-age and warn-before");
	if ((rc = ydoc_check_keys(p->y, root, "the policy", policy_keys)))
		return rc;
	for (yaml_node_pair_t *pr = root->data.mapping.pairs.start;
	     pr < root->data.mapping.pairs.top; pr++) {
		const char *key = ydoc_scalar(ydoc_node(p->y, pr->key));

		for (int k = 0; k < K_COUNT; k++)
			if (!strcmp(key, policy_keys[k]))
				val[k] = ydoc_node(p->y, pr->value);
	}
	out->fail_on[ST_FAIL] = out->fail_on[ST_STALE] = out->fail_on[ST_MISSING] = true;
	/* require before exclude: an exclude may not name a required control. */
	if ((val[K_FRAMEWORKS] && (rc = parse_frameworks(p, val[K_FRAMEWORKS]))) ||
	    (val[K_REQUIRE] && (rc = parse_require(p, val[K_REQUIRE]))) ||
	    (val[K_EXCLUDE] && (rc = parse_exclude(p, val[K_EXCLUDE]))) ||
	    (val[K_FAIL_ON] && (rc = parse_fail_on(p, val[K_FAIL_ON]))) ||
	    (val[K_MAX_AGE] &&
	     (rc = parse_duration(p, val[K_MAX_AGE], "max-age", true, &out->max_age))) ||
	    (val[K_WARN_BEFORE] &&
	     (rc = parse_duration(p, val[K_WARN_BEFORE], "warn-before", false,
				  &out->warn_before))) ||
	    (val[K_UPCOMING] &&
	     (rc = parse_duration(p, val[K_UPCOMING], "upcoming", false, &out->upcoming))))
		return rc;
	out->upcoming_set = val[K_UPCOMING] != NULL;
	return 0;
}

/* ---- public ---- */

int policy_parse(struct gate_policy *out, const struct catalogs *cs, const char *file,
		 const char *buf, size_t len)
{
	struct ydoc y;
	struct parse p = { &y, cs, out };
	int rc;

	memset(out, 0, sizeof(*out));
	if (!(out->file = strdup(file)) || buf_append(&out->raw, buf, len)) {
		policy_free(out);
		return err_nomem();
	}
	if ((rc = ydoc_load(&y, out->file, buf, len, YDOC_ONE))) {
		policy_free(out);
		return rc;
	}
	rc = parse_root(&p, ydoc_root(&y));
	ydoc_free(&y);
	if (rc)
		policy_free(out);
	return rc;
}

int policy_load(struct gate_policy *out, const struct catalogs *cs, const char *path)
{
	struct buf b = BUF_INIT;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = fs_read_file(&b, path, POLICY_MAX_BYTES, NULL)))
		return rc;
	rc = policy_parse(out, cs, path, b.data ? b.data : "", b.len);
	buf_free(&b);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Each framework known, else ERR_USAGE. */
static int check_frameworks(const struct catalogs *cs, char *const *fws, size_t n)
{
	if (n == 0)
		return err_set(ERR_USAGE, "no framework given");
	for (size_t i = 0; i < n; i++)
		if (!catalogs_want(cs, fws[i]))
			return ERR_USAGE;
	return 0;
}

int policy_default(struct gate_policy *out, const struct catalogs *cs,
		   char *const *frameworks, size_t n)
{
	struct buf text = BUF_INIT;
	char **v = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = check_frameworks(cs, frameworks, n)))
		return rc;
	if (!(v = calloc(n, sizeof(*v))))
		return err_nomem();
	memcpy(v, frameworks, n * sizeof(*v));
	qsort(v, n, sizeof(*v), cmp_str);
	/* Framework ids are [a-z0-9-]: safe in a YAML flow list as they are. */
	rc = buf_puts(&text, "# auditpack gate: the default policy (no --policy given)\n"
		      "frameworks: [");
	for (size_t i = 0; i < n && !rc; i++)
		if (i == 0 || strcmp(v[i], v[i - 1]))
			rc = buf_printf(&text, "%s%s", i ? ", " : "", v[i]);
	if (!rc)
		rc = buf_puts(&text, "]\nfail-on: [fail, stale, missing]\n");
	if (!rc)
		rc = policy_parse(out, cs, DEFAULT_NAME, text.data, text.len);
	if (!rc) {
		free(out->file);
		out->file = NULL;
	}
	free(v);
	buf_free(&text);
	return rc;
}

int policy_set_frameworks(struct gate_policy *p, const struct catalogs *cs,
			  char *const *frameworks, size_t n)
{
	char **v;
	size_t k = 0;
	int rc;

	if ((rc = check_frameworks(cs, frameworks, n)))
		return rc;
	if (!(v = calloc(n + 1, sizeof(*v))))
		return err_nomem();
	for (size_t i = 0; i < n; i++) {
		bool seen = false;

		for (size_t j = 0; j < k && !seen; j++)
			seen = !strcmp(v[j], frameworks[i]);
		if (!seen && !(v[k++] = strdup(frameworks[i]))) {
			for (size_t j = 0; j + 1 < k; j++)
				free(v[j]);
			free(v);
			return err_nomem();
		}
	}
	for (size_t i = 0; i < p->nframeworks; i++)
		free(p->frameworks[i]);
	free(p->frameworks);
	p->frameworks = v;
	p->nframeworks = k;
	return 0;
}

int policy_check_scope(const struct gate_policy *p)
{
	if (p->nframeworks || p->nrequire)
		return 0;
	return err_set(ERR_PARSE, "%s:1:1: the policy puts no control in scope: give "
		       "'frameworks' or 'require' (or --framework)",
		       p->file ? p->file : DEFAULT_NAME);
}

void policy_free(struct gate_policy *p)
{
	for (size_t i = 0; i < p->nframeworks; i++)
		free(p->frameworks[i]);
	for (size_t i = 0; i < p->nrequire; i++)
		control_free(&p->require[i]);
	for (size_t i = 0; i < p->nexclude; i++)
		control_free(&p->exclude[i]);
	free(p->frameworks);
	free(p->require);
	free(p->exclude);
	free(p->exclude_ref);
	free(p->exclude_why);
	free(p->exclude_expires);
	for (size_t i = 0; i < p->naccept; i++) {
		free(p->accept[i].finding);
		free(p->accept[i].justification);
	}
	free(p->accept);
	free(p->file);
	buf_free(&p->raw);
	memset(p, 0, sizeof(*p));
}

void policy_assess_view(const struct gate_policy *p, struct assess_policy *out)
{
	memset(out, 0, sizeof(*out));
	out->exclude = p->exclude_ref;
	out->justification = p->exclude_why;
	out->nexclude = p->nexclude;
	out->exclude_expires = p->exclude_expires;
	out->accept = p->accept;
	out->naccept = p->naccept;
	out->max_age = p->max_age;
	out->profile = p->profile;
}

size_t policy_expired(const struct gate_policy *p, int64_t at, struct policy_expired *out,
		      size_t cap)
{
	size_t n = 0;

	for (size_t i = 0; i < p->nexclude; i++)
		if (p->exclude_expires && p->exclude_expires[i] && at > p->exclude_expires[i]) {
			if (n < cap)
				out[n] = (struct policy_expired){ p->exclude[i].framework,
					p->exclude[i].label, p->exclude_why[i], p->exclude_expires[i],
					p->exclude[i].line };
			n++;
		}
	for (size_t i = 0; i < p->naccept; i++)
		if (p->accept[i].expires && at > p->accept[i].expires) {
			if (n < cap)
				out[n] = (struct policy_expired){ NULL, p->accept[i].finding,
					p->accept[i].justification, p->accept[i].expires,
					p->accept[i].line };
			n++;
		}
	return n;
}
