/*
 * cli_alerts.h -- the vigil CLI's alert commands (docs/rules.md, "Alerts"):
 *
 *   vigil alerts [--since T] [--until T] [--severity S] [--rule ID]
 *                [--limit N] [--json]
 *   vigil alerts show ID [--json]
 *
 * argv[0] is "alerts"; sockpath is the collector's query socket.  Returns
 * the exit status: 0 done, 1 collector or I/O error (an unknown id too),
 * 2 usage error.
 */
#ifndef VIGIL_CLI_ALERTS_H
#define VIGIL_CLI_ALERTS_H

int	cli_alerts(int argc, char **argv, const char *sockpath);

#endif
