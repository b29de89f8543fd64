/*
 * Fuzz target: auditd records, with the mutations aimed at
 * "msg=audit(SECONDS.MILLIS:SERIAL)" (floats of any size, inf, nan, hex
 * floats; serials past 2^64).  Asserts the logfmt contract
 * (logfmt_check.h).  Seeds and regression inputs: tests/fuzz/corpus/auditd/.
 */
#include "logfmt_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const tmpls[] = {
	"type=USER_AUTH msg=audit(%): pid=1 uid=0 msg='op=PAM:authentication acct=\"alice\" res=failed'",
	"type=USER_LOGIN msg=audit(%:7): pid=1 acct=\"bob\" res=success",
	"type=SYSCALL msg=audit(1764324000.5:%): arch=c000003e",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct logfmt_opts o;

	memset(&o, 0, sizeof(o));
	o.format = LOGFMT_AUDITD;
	logfmt_fuzz(&o, tmpls, sizeof(tmpls) / sizeof(tmpls[0]), data, size);
	return 0;
}
