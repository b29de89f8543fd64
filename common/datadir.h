/*
 * datadir.h - where auditpack's data files are: control catalogues, check
 * files and the schemas they are validated against.
 *
 * $AUDITPACK_DATA if set; else the directory of the running binary (or a
 * parent) when it holds controls/ (a build tree), or share/auditpack beside
 * its bin/ (an install, wherever it was moved); else the compiled-in
 * PREFIX/share/auditpack.
 */
#ifndef AUDITPACK_DATADIR_H
#define AUDITPACK_DATADIR_H

#include <stddef.h>

/* The data directory, or ERR_NOTFOUND naming where it looked. */
int datadir(char *out, size_t cap);

/* datadir()/sub, e.g. "controls" or "controls/schema/x.xsd". */
int datadir_path(char *out, size_t cap, const char *sub);

#endif
