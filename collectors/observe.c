#include "observe.h"
#include "../common/encode.h"
#include "../common/err.h"
#include "../common/hash.h"
#include "../common/json.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#define STATE_MAX 160

/* The payload's and the identity's digests into d, once. */
int observe_digest(struct observe_digest *d, const struct observed *o)
{
	const char *id = o->identity ? o->identity : "";
	const void *parts[3] = { o->kind, "\n", id };
	size_t lens[3] = { strlen(o->kind), 1, strlen(id) };
	uint8_t h[SHA256_LEN];
	int rc;

	if (d->done)
		return 0;
	if ((rc = sha256(d->sha256, o->payload ? o->payload : "", o->payload_len)))
		return rc;
	hex_encode(d->sha256_hex, d->sha256, SHA256_LEN);
	if ((rc = sha256_parts(h, 3, parts, lens)))
		return rc;
	hex_encode(d->identity_hex, h, SHA256_LEN);
	d->done = true;
	return 0;
}

/* "<index> <payload sha256> <identity sha256> <time last recorded>" */
static int put_state(struct collect_ctx *c, const struct observed *o, uint64_t index,
		     const struct observe_digest *d, int64_t when)
{
	char state[STATE_MAX];
	int n = snprintf(state, sizeof(state), "%" PRIu64 " %s %s %lld", index, d->sha256_hex,
			 d->identity_hex, (long long)when);

	if (n < 0 || (size_t)n >= sizeof(state))
		return err_set(ERR_LIMIT, "observation state too long");
	return store_cursor_put(c->store, o->source, o->key, state, (size_t)n);
}

int observe_check(struct collect_ctx *c, const struct observed *o, bool *unchanged,
		  uint64_t *index)
{
	struct observe_digest d = { .done = false };

	return observe_check_digest(c, o, &d, unchanged, index);
}

int observe_check_digest(struct collect_ctx *c, const struct observed *o,
			 struct observe_digest *d, bool *unchanged, uint64_t *index)
{
	struct buf state = BUF_INIT;
	struct entry e;
	char payload[HEX_LEN(SHA256_LEN)], identity[HEX_LEN(SHA256_LEN)];
	uint64_t idx;
	int64_t last = INT64_MIN;
	long long last_ll;
	bool found = false;
	json_t *item;
	int rc, nf;

	*unchanged = false;
	memset(&e, 0, sizeof(e));
	if ((rc = observe_digest(d, o)) ||
	    (rc = store_cursor_get(c->store, o->source, o->key, &state, &found)) || !found ||
	    (rc = buf_grow(&state, 1)))
		goto out;
	state.data[state.len] = '\0';
	nf = sscanf(state.data, "%" SCNu64 " %64s %64s %lld", &idx, payload, identity, &last_ll);
	if (nf < 3 || strcmp(payload, d->sha256_hex) || strcmp(identity, d->identity_hex))
		goto out; /* changed (or a state we do not know): record afresh */
	if (nf == 4)
		last = (int64_t)last_ll;
	if ((rc = store_get_entry(c->store, idx, &e))) {
		if (rc == ERR_NOTFOUND)
			rc = 0; /* not in the store (any more): record afresh */
		goto out;
	}
	if (e.erased || strcmp(e.kind, o->kind) || strcmp(e.source, o->source))
		goto out; /* its payload is gone: the evidence must be taken again */
	if (index)
		*index = idx;
	/* Seen within the hour: nothing to record (freshness is judged in
	 * hours and days; a 5-minute cron would otherwise add 12 an hour). */
	if (last != INT64_MIN && c->now >= last && c->now - last < OBSERVE_EVERY) {
		*unchanged = true;
		goto out;
	}
	if ((rc = put_state(c, o, idx, d, c->now)))
		goto out;
	if (!c->reobserved && !(c->reobserved = json_array())) {
		rc = err_nomem();
		goto out;
	}
	item = json_pack("{s:s, s:s, s:s, s:I, s:s}", "source", o->source, "kind", o->kind,
			 "subject", e.subject, "index", (json_int_t)idx, "sha256", d->sha256_hex);
	if (!item || json_array_append_new(c->reobserved, item)) {
		rc = err_nomem();
		goto out;
	}
	*unchanged = true;
out:
	entry_free(&e);
	buf_free(&state);
	return rc;
}

int observe_recorded(struct collect_ctx *c, const struct observed *o, uint64_t index)
{
	struct observe_digest d = { .done = false };

	return observe_recorded_digest(c, o, &d, index);
}

int observe_recorded_digest(struct collect_ctx *c, const struct observed *o,
			    struct observe_digest *d, uint64_t index)
{
	int rc;

	if ((rc = observe_digest(d, o)))
		return rc;
	return put_state(c, o, index, d, c->now);
}

int observe_finish(struct collect_ctx *c, uint64_t *index)
{
	struct buf attrs = BUF_INIT;
	struct entry_input in;
	json_t *a = NULL;
	int rc = 0;

	if (index)
		*index = UINT64_MAX;
	if (!c->reobserved || json_array_size(c->reobserved) == 0)
		goto out;
	if (!(a = json_pack("{s:O}", "reobserved", c->reobserved))) {
		rc = err_nomem();
		goto out;
	}
	if ((rc = json_stable(&attrs, a)))
		goto out;
	memset(&in, 0, sizeof(in));
	in.kind = "observation";
	in.source = "observations";
	in.eff_from = in.eff_to = in.collected = c->now;
	in.attrs = attrs.data;
	in.attrs_len = attrs.len;
	in.payload = "";
	in.payload_len = 0;
	rc = store_append(c->store, &in, index);
out:
	json_decref(a);
	buf_free(&attrs);
	observe_discard(c);
	return rc;
}

void observe_discard(struct collect_ctx *c)
{
	json_decref(c->reobserved);
	c->reobserved = NULL;
}
