/*
 * Fuzz target: syslog, RFC 5424 and RFC 3164 (with a "Mmm dd hh:mm:ss"
 * stamp resolved against a reference year, or an RFC 3339 stamp), with the
 * mutations aimed at the time and at "message repeated N times" counts.
 * The reference time comes from the input too (anything, in range or not).
 * Asserts the logfmt contract (logfmt_check.h).  Seeds and regression
 * inputs: tests/fuzz/corpus/syslog/.
 */
#include "logfmt_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const tmpls[] = {
	"<34>1 % gw sshd 1 - - Failed password for alice from 10.0.0.1 port 1 ssh2",
	"% gw sshd[1]: Accepted password for bob from 10.0.0.2 port 2 ssh2",
	"Nov 28 % gw sshd[1]: Failed password for carol from 10.0.0.3 port 3 ssh2",
	"%",
	"Nov 28 10:00:00 gw sshd[1]: message repeated % times: [ Failed password for dan from 10.0.0.4 port 4 ssh2]",
	"Nov 28 10:00:00 gw sudo: alice : % incorrect password attempts ; TTY=pts/0",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct logfmt_opts o;
	int64_t ref = 1764324000;

	memset(&o, 0, sizeof(o));
	o.format = LOGFMT_SYSLOG;
	/* Bytes 1..8, when the first byte asks for it: any reference time
	 * (big-endian); the line is made of the first byte and the rest. */
	if (size > 9 && (data[0] & 0x80)) {
		uint64_t r = 0;
		uint8_t *rest;

		for (int i = 1; i <= 8; i++)
			r = r << 8 | data[i];
		o.year_ref = (int64_t)r;
		if (!(rest = malloc(size - 8)))
			return 0;
		rest[0] = data[0];
		memcpy(rest + 1, data + 9, size - 9);
		logfmt_fuzz(&o, tmpls, sizeof(tmpls) / sizeof(tmpls[0]), rest, size - 8);
		free(rest);
		return 0;
	}
	o.year_ref = ref;
	logfmt_fuzz(&o, tmpls, sizeof(tmpls) / sizeof(tmpls[0]), data, size);
	return 0;
}
