/*
 * cli_verify.h -- `vigil verify [--host H] [--json]` (docs/storage.md,
 * "Tamper evidence").
 */
#ifndef VIGIL_CLI_VERIFY_H
#define VIGIL_CLI_VERIFY_H

int	cli_verify(int argc, char *argv[], const char *sockpath);

#endif
