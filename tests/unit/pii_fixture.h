/*
 * The PII tests' shared fixture: two store secrets, a pii context per
 * test (setup/teardown) and scrubbing a C string.  Included by test_pii.c
 * and test_pii_tokens.c only.
 */
#ifndef AUDITPACK_TEST_PII_FIXTURE_H
#define AUDITPACK_TEST_PII_FIXTURE_H

static const uint8_t key1[STORE_SECRET_LEN] = { 1, 2, 3, 4, 5, 6, 7, 8 };
static const uint8_t key2[STORE_SECRET_LEN] = { 8, 7, 6, 5, 4, 3, 2, 1 };

static int setup(void **state)
{
	struct pii *p = NULL;

	if (pii_new(&p, key1))
		return -1;
	*state = p;
	return 0;
}

static int teardown(void **state)
{
	pii_free(*state);
	return 0;
}

/* Scrub a C string; returns the output (free it) and fills counts. */
static char *scrub(struct pii *p, enum pii_mode m, const char *in,
		   struct pii_counts *c)
{
	struct buf out = BUF_INIT;

	memset(c, 0, sizeof(*c));
	assert_int_equal(pii_scrub(p, m, in, strlen(in), &out, c), 0);
	return buf_detach(&out, NULL);
}

static uint64_t total(const struct pii_counts *c)
{
	uint64_t n = 0;

	for (int t = 0; t < PII_NTYPES; t++)
		n += c->n[t];
	return n;
}

#endif
