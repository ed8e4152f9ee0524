/*
 * cli_vm.h -- the vigil CLI's VM commands (docs/vm.md):
 *
 *   vigil vm list [--json]
 *   vigil vm where VM [--at T] [--json]
 *   vigil vm history VM [--since T] [--until T] [--json|--csv]
 *   vigil vm report --since T [--until T] [--format csv|json|html]
 *                   [--output FILE] [--title TEXT]
 *   vigil host guests HOST [--since T] [--until T] [--json|--csv]
 *
 * argv[0] is the command word ("vm" or "host"), argv[1] the subcommand;
 * sockpath is the collector's query socket.  Return the process exit
 * status: 0 done, 1 collector or I/O error, 2 usage error.
 */
#ifndef VIGIL_CLI_VM_H
#define VIGIL_CLI_VM_H

int	cli_vm(int argc, char **argv, const char *sockpath);
int	cli_host(int argc, char **argv, const char *sockpath);

#endif
