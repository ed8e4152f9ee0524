/*
 * cli_rules.h -- the vigil CLI's rule commands (docs/rules.md):
 *   vigil rules check DIR...
 *   vigil rules test [--rules DIR]... [--json] [--until T] [--host H]
 *                    [--type T] [--guest UUID] FILE...
 *   vigil rules test [--rules DIR]... --fixtures FILE...
 * Neither needs the collector: they load the rules themselves.
 */
#ifndef VIGIL_CLI_RULES_H
#define VIGIL_CLI_RULES_H

int	cli_rules(int argc, char *argv[]);

#endif
