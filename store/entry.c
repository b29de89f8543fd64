#include "entry.h"
#include "../common/encode.h"
#include "../common/err.h"
#include "../common/hash.h"
#include "../common/timeutil.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define LEAF_MAGIC "auditpack/evidence/v1"
#define PAYLOAD_DOMAIN ENTRY_PAYLOAD_DOMAIN

static const char *const kinds[] = {
	"access-log", "model-version", "config-snapshot", "command-output",
	"document", "attestation", "gate-decision", "tombstone", "observation",
};

bool entry_kind_valid(const char *kind)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(kind, kinds[i]))
			return true;
	return false;
}

bool entry_field_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > ENTRY_FIELD_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

void entry_free(struct entry *e)
{
	free(e->source);
	free(e->subject);
	free(e->attrs);
	free(e->leaf);
	e->source = e->subject = e->attrs = e->leaf = NULL;
}

int entry_commitment(uint8_t out[32], const uint8_t *salt, size_t salt_len,
		     const void *payload, size_t len)
{
	const void *p[3] = { PAYLOAD_DOMAIN, salt, payload };
	size_t l[3] = { sizeof(PAYLOAD_DOMAIN) - 1, salt_len, len };

	return sha256_parts(out, 3, p, l);
}

const char *entry_time_text(char buf[RFC3339_LEN], int64_t t)
{
	if (t == TIME_UNKNOWN)
		return TIME_LEGACY_UNKNOWN;
	time_format(buf, t);
	return buf;
}

int entry_time_parse(int64_t *out, const char *s)
{
	if (!strcmp(s, TIME_LEGACY_UNKNOWN)) {
		*out = TIME_UNKNOWN;
		return 0;
	}
	return time_parse(out, s);
}

int entry_leaf_format(struct buf *out, const struct entry *e)
{
	char from[RFC3339_LEN], to[RFC3339_LEN], coll[RFC3339_LEN];
	char ahex[HEX_LEN(32)], chex[HEX_LEN(32)];
	uint8_t adig[32];
	int rc;

	if (!entry_kind_valid(e->kind) || !entry_field_valid(e->source) ||
	    !entry_field_valid(e->subject))
		return err_set(ERR_USAGE, "entry has an invalid kind, source or subject");
	if (time_format(from, e->eff_from) || time_format(to, e->eff_to) ||
	    time_format(coll, e->collected))
		return err_wrap(ERR_USAGE, "entry times must lie in years 0000 to 9999");
	if ((rc = sha256(adig, e->attrs, e->attrs_len)))
		return rc;
	hex_encode(ahex, adig, 32);
	hex_encode(chex, e->commitment, 32);
	return buf_printf(out, LEAF_MAGIC "\n"
			  "index %" PRIu64 "\n"
			  "kind %s\n"
			  "source %s\n"
			  "subject %s\n"
			  "effective %s %s\n"
			  "collected %s\n"
			  "attrs sha256:%s\n"
			  "payload sha256:%s %" PRIu64 "\n",
			  e->index, e->kind, e->source, e->subject, from, to, coll,
			  ahex, chex, e->payload_size);
}

/* Next line of the leaf after "<key> "; NUL-terminated copy in line. */
static int next_line(const char **p, const char *end, const char *key,
		     char *line, size_t cap, int lineno)
{
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));
	size_t klen = strlen(key), n;

	if (!nl)
		return err_set(ERR_PARSE, "leaf line %d (%s) is missing or unterminated",
			       lineno, key);
	n = (size_t)(nl - *p);
	if (klen && (n <= klen || memcmp(*p, key, klen) || (*p)[klen] != ' '))
		return err_set(ERR_PARSE, "leaf line %d should start with '%s '", lineno, key);
	if (klen)
		klen++;
	if (n - klen >= cap)
		return err_set(ERR_PARSE, "leaf line %d (%s) is too long", lineno, key);
	memcpy(line, *p + klen, n - klen);
	line[n - klen] = '\0';
	*p = nl + 1;
	return 0;
}

/* A decimal without leading zeros that fits 64 bits?  (*out: its value.) */
static bool parse_u64(uint64_t *out, const char *s)
{
	char *end;

	if (*s < '0' || *s > '9' || (s[0] == '0' && s[1]))
		return false;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return !*end && !errno;
}

/* "sha256:<64 hex digits>"?  (out: the digest.) */
static bool parse_sha256_field(uint8_t out[32], const char *s)
{
	return !strncmp(s, "sha256:", 7) && !hex_decode(out, 32, s + 7, strlen(s + 7));
}

int entry_leaf_parse(struct entry *out, uint8_t attrs_digest[32],
		     const char *leaf, size_t len)
{
	char line[ENTRY_FIELD_MAX + 128], *sp;
	const char *p = leaf, *end = leaf + len;
	int rc;

	if ((rc = next_line(&p, end, "", line, sizeof(line), 1)))
		return rc;
	if (strcmp(line, LEAF_MAGIC))
		return err_set(ERR_PARSE, "leaf does not start with '" LEAF_MAGIC "'");
	if ((rc = next_line(&p, end, "index", line, sizeof(line), 2)))
		return rc;
	if (!parse_u64(&out->index, line))
		return err_set(ERR_PARSE, "leaf line 2: bad index '%s'", line);
	if ((rc = next_line(&p, end, "kind", out->kind, sizeof(out->kind), 3)))
		return rc;
	if ((rc = next_line(&p, end, "source", line, sizeof(line), 4)) ||
	    !(out->source = strdup(line)) ||
	    (rc = next_line(&p, end, "subject", line, sizeof(line), 5)) ||
	    !(out->subject = strdup(line)))
		return rc ? rc : err_nomem();
	if ((rc = next_line(&p, end, "effective", line, sizeof(line), 6)))
		return rc;
	if (!(sp = strchr(line, ' ')))
		return err_set(ERR_PARSE, "leaf line 6: effective needs two times");
	*sp = '\0';
	if (entry_time_parse(&out->eff_from, line) || entry_time_parse(&out->eff_to, sp + 1))
		return err_set(ERR_PARSE, "leaf line 6: bad effective time");
	if ((rc = next_line(&p, end, "collected", line, sizeof(line), 7)))
		return rc;
	if (entry_time_parse(&out->collected, line))
		return err_set(ERR_PARSE, "leaf line 7: bad collected time");
	if ((rc = next_line(&p, end, "attrs", line, sizeof(line), 8)))
		return rc;
	if (!parse_sha256_field(attrs_digest, line))
		return err_set(ERR_PARSE, "leaf line 8: bad attrs digest");
	if ((rc = next_line(&p, end, "payload", line, sizeof(line), 9)))
		return rc;
	if (!(sp = strchr(line, ' ')))
		return err_set(ERR_PARSE, "leaf line 9: payload needs a digest and a length");
	*sp = '\0';
	if (!parse_sha256_field(out->commitment, line) ||
	    !parse_u64(&out->payload_size, sp + 1))
		return err_set(ERR_PARSE, "leaf line 9: bad payload digest or length");
	if (p != end)
		return err_set(ERR_PARSE, "leaf has text after line 9");
	return 0;
}
