#include "command.h"
#include "observe.h"
#include "../common/encode.h"
#include "../common/err.h"
#include "../common/hash.h"
#include "../common/json.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

struct outcome {
	struct buf out, err;
	bool out_cut, err_cut, timed_out;
	int status;         /* from waitpid */
	int64_t ms;
};

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* In the child: no shell; the exec error goes to stderr and exit 127. */
static void child(char *const *argv, int out, int err)
{
	setpgid(0, 0);
	dup2(out, 1);
	dup2(err, 2);
	close(out);
	close(err);
	execvp(argv[0], argv);
	dprintf(2, "auditpack: cannot run '%s': %s\n", argv[0], strerror(errno));
	_exit(127);
}

static int drain(int fd, struct buf *b, size_t max, bool *cut)
{
	char tmp[65536];
	ssize_t n = read(fd, tmp, sizeof(tmp));

	if (n <= 0)
		return n == 0 || (errno != EINTR && errno != EAGAIN) ? -1 : 0;
	if (b->len < max) {
		size_t take = (size_t)n < max - b->len ? (size_t)n : max - b->len;

		if (buf_append(b, tmp, take))
			return -2;
		if (take < (size_t)n)
			*cut = true;
	} else {
		*cut = true; /* keep reading so the child never blocks on a full pipe */
	}
	return 0;
}

static int run(const struct command_opts *o, struct outcome *res)
{
	size_t max = o->max_output ? o->max_output : COMMAND_OUTPUT_MAX;
	int po[2] = { -1, -1 }, pe[2] = { -1, -1 };
	int64_t start = mono_ms(), deadline = start + o->timeout * 1000;
	bool killed = false;
	pid_t pid;

	if (pipe2(po, O_CLOEXEC) < 0 || pipe2(pe, O_CLOEXEC) < 0) {
		int e = errno;

		close(po[0]);
		close(po[1]);
		return err_set(ERR_IO, "cannot make a pipe: %s", strerror(e));
	}
	if ((pid = fork()) < 0) {
		int e = errno;

		close(po[0]); close(po[1]); close(pe[0]); close(pe[1]);
		return err_set(ERR_IO, "cannot fork: %s", strerror(e));
	}
	if (pid == 0)
		child(o->argv, po[1], pe[1]);
	setpgid(pid, pid);
	close(po[1]);
	close(pe[1]);
	struct pollfd fds[2] = { { po[0], POLLIN, 0 }, { pe[0], POLLIN, 0 } };
	int open_fds = 2;

	while (open_fds > 0) {
		int64_t now = mono_ms(), wait_ms = deadline - now;

		if (wait_ms <= 0 && !killed) {
			res->timed_out = true;
			kill(-pid, SIGTERM);
			killed = true;
			deadline = now + 2000; /* grace before SIGKILL */
			continue;
		}
		if (wait_ms <= 0 && killed) {
			kill(-pid, SIGKILL);
			break;
		}
		if (poll(fds, 2, (int)(wait_ms > 1000 ? 1000 : wait_ms)) < 0 && errno != EINTR)
			break;
		for (int i = 0; i < 2; i++) {
			if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			int d = drain(fds[i].fd, i ? &res->err : &res->out, max,
				      i ? &res->err_cut : &res->out_cut);

			if (d == -2) {
				kill(-pid, SIGKILL);
				waitpid(pid, NULL, 0);
				close(po[0]);
				close(pe[0]);
				return err_nomem();
			}
			if (d < 0) {
				close(fds[i].fd);
				fds[i].fd = -1;
				open_fds--;
			}
		}
	}
	if (fds[0].fd >= 0)
		close(fds[0].fd);
	if (fds[1].fd >= 0)
		close(fds[1].fd);
	/* The program's own children may hold the pipes: the group goes too. */
	if (res->timed_out)
		kill(-pid, SIGKILL);
	while (waitpid(pid, &res->status, 0) < 0 && errno == EINTR)
		;
	res->ms = mono_ms() - start;
	return 0;
}

bool command_type_valid(const char *t)
{
	if (!t || !*t || strlen(t) > 64)
		return false;
	for (const char *p = t; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
			return false;
	return true;
}

/* Output as a JSON string when it is UTF-8 text, else base64. */
static void put_output(json_t *obj, const char *name, const struct buf *b)
{
	json_t *s = json_stringn(b->data ? b->data : "", b->len);
	char key[32], *b64;

	if (s) {
		json_object_set_new(obj, name, s);
		return;
	}
	snprintf(key, sizeof(key), "%s_base64", name);
	if ((b64 = malloc(B64_LEN(b->len)))) {
		b64_encode(b64, (const uint8_t *)b->data, b->len);
		json_object_set_new(obj, key, json_string(b64));
		free(b64);
	}
}

int command_collect(struct collect_ctx *c, struct pii *pii,
		    const struct command_opts *o, struct collect_result *r)
{
	struct outcome res;
	struct buf sout = BUF_INIT, serr = BUF_INIT, payload = BUF_INIT, attrs = BUF_INIT;
	char hex[HEX_LEN(SHA256_LEN)];
	uint8_t digest[SHA256_LEN];
	json_t *argv = json_array(), *p = NULL, *a = NULL;
	struct entry_input in;
	struct observed ob;
	bool unchanged;
	uint64_t index;
	int rc;

	memset(&res, 0, sizeof(res));
	if (!argv)
		return err_nomem();
	for (size_t i = 0; o->argv[i]; i++)
		json_array_append_new(argv, json_string(o->argv[i]));
	if ((rc = run(o, &res)))
		goto out;
	/* What a command prints about people (RBAC subjects are e-mails) is
	 * scrubbed like any other evidence. */
	if ((rc = pii_scrub(pii, PII_PSEUDONYMISE, res.out.data ? res.out.data : "",
			    res.out.len, &sout, NULL)) ||
	    (rc = pii_scrub(pii, PII_PSEUDONYMISE, res.err.data ? res.err.data : "",
			    res.err.len, &serr, NULL)) ||
	    (rc = sha256(digest, sout.data ? sout.data : "", sout.len)))
		goto out;
	hex_encode(hex, digest, SHA256_LEN);
	p = json_pack("{s:O, s:i, s:b}", "argv", argv, "exit_status",
		      WIFEXITED(res.status) ? WEXITSTATUS(res.status) : -1,
		      "timed_out", res.timed_out);
	a = json_pack("{s:O, s:o, s:o, s:b, s:I, s:I, s:I, s:s, s:b, s:b}",
		      "argv", argv,
		      "exit_status", WIFEXITED(res.status) ? json_integer(WEXITSTATUS(res.status))
							  : json_null(),
		      "signal", WIFSIGNALED(res.status) ? json_integer(WTERMSIG(res.status))
							: json_null(),
		      "timed_out", res.timed_out, "duration_ms", (json_int_t)res.ms,
		      "stdout_bytes", (json_int_t)res.out.len,
		      "stderr_bytes", (json_int_t)res.err.len, "stdout_sha256", hex,
		      "stdout_truncated", res.out_cut, "stderr_truncated", res.err_cut);
	if (!p || !a) {
		rc = err_nomem();
		goto out;
	}
	put_output(p, "stdout", &sout);
	put_output(p, "stderr", &serr);
	{
		json_t *parsed = json_loadb(sout.data ? sout.data : "", sout.len, 0, NULL);

		json_object_set_new(a, "stdout_json", json_boolean(parsed != NULL));
		json_decref(parsed);
	}
	if (o->type)
		json_object_set_new(a, "type", json_string(o->type));
	if ((rc = json_stable(&payload, p)) || (rc = json_stable(&attrs, a)))
		goto out;
	/* The same output (and type) as last time: no second copy, one
	 * re-observation. */
	ob = (struct observed){ o->source, "seen", "command-output", o->type ? o->type : "",
				payload.data, payload.len };
	if ((rc = observe_check(c, &ob, &unchanged, NULL)))
		goto out;
	if (unchanged) {
		r->unchanged++;
		goto out;
	}
	memset(&in, 0, sizeof(in));
	in.kind = "command-output";
	in.source = o->source;
	in.eff_from = c->now;
	in.eff_to = c->now + res.ms / 1000;
	in.collected = c->now;
	in.attrs = attrs.data;
	in.attrs_len = attrs.len;
	in.payload = payload.data;
	in.payload_len = payload.len;
	if (!(rc = store_append(c->store, &in, &index)) &&
	    !(rc = observe_recorded(c, &ob, index)))
		r->entries++;
out:
	json_decref(argv);
	json_decref(p);
	json_decref(a);
	buf_free(&res.out);
	buf_free(&res.err);
	buf_free(&sout);
	buf_free(&serr);
	buf_free(&payload);
	buf_free(&attrs);
	return rc;
}
