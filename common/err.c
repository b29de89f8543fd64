#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>

static _Thread_local char msg[2048];

int err_set(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return code;
}

int err_nomem(void)
{
	return err_set(ERR_NOMEM, "out of memory");
}

int err_wrap(int code, const char *fmt, ...)
{
	char prefix[1024], old[sizeof(msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, msg, sizeof(old));
	if (old[0])
		snprintf(msg, sizeof(msg), "%.1000s: %.1000s", prefix, old);
	else
		snprintf(msg, sizeof(msg), "%s", prefix);
	return code;
}

int err_set_openssl(int code, const char *what)
{
	unsigned long e;
	size_t n;

	n = (size_t)snprintf(msg, sizeof(msg), "%s", what);
	while ((e = ERR_get_error()) != 0) {
		if (n < sizeof(msg) - 2) {
			msg[n++] = ':';
			msg[n++] = ' ';
			ERR_error_string_n(e, msg + n, sizeof(msg) - n);
			n = strlen(msg);
		}
	}
	return code;
}

const char *err_msg(void)
{
	return msg;
}

void err_clear(void)
{
	msg[0] = '\0';
}

int err_exit_code(int code)
{
	switch (code) {
	case ERR_OK:
		return 0;
	case ERR_VERIFY:
		return 1;
	case ERR_USAGE:
		return 2;
	case ERR_LOCKED:
		return 4;
	default:
		return 3;
	}
}
