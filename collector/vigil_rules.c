/*
 * vigil_rules.c -- vigil-rules: `vigil rules check|test` (docs/rules.md)
 * as a program of its own, which `vigil rules` runs.  It links the
 * collector's pipeline (store, decoders, rule engine) to test rules the way
 * the collector runs them; keeping that out of `vigil` keeps the query
 * commands' start-up to their own few libraries.
 */
#include <signal.h>

#include "cli_rules.h"

int
main(int argc, char *argv[])
{
	signal(SIGPIPE, SIG_IGN);
	return cli_rules(argc, argv);
}
