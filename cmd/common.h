/*
 * common.h - the little the programs in cmd/ share: how they report.
 *
 * Messages go through err(3)'s warnx(), which starts them with the program
 * name ("pf-svg: ..."); library errors become "'NAME' line N: MESSAGE".
 */
#ifndef PF_CMD_COMMON_H
#define PF_CMD_COMMON_H

#include <err.h>

#include "pf.h"

static inline void
report(const struct pf_error *e)
{
	char buf[1024];

	warnx("%s", pf_error_string(e, buf, sizeof(buf)));
}

#endif /* PF_CMD_COMMON_H */
