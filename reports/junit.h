/*
 * junit.h - a gate result as JUnit XML, the format the test reports of
 * GitLab (artifacts:reports:junit), Jenkins (the junit step) and GitHub
 * Actions reporters (mikepenz/action-junit-report, dorny/test-reporter)
 * read:
 *
 *   <testsuites name="auditpack gate" tests= failures= skipped= errors="0">
 *     <testsuite name="FW" tests= failures= skipped= errors="0">   a framework in scope
 *       <properties/>       at, policy, policy_sha256, checkpoint size and root
 *       <testcase classname="FW" name="LABEL TITLE">               a control in scope
 *         <failure message="STATUS: reason" type="STATUS">          it fails the policy;
 *           reason, each mapped check, the evidence entries</failure>
 *         <skipped message="excluded: justification"/>             the policy excludes it
 *         <system-out>WARN ...</system-out>                         it would fail by warn_at
 *
 * So the number of <failure> elements is the number of controls failing
 * the policy.  Text from catalogues and evidence is made XML-safe (bad
 * UTF-8 and control characters become U+FFFD).  Deterministic: the same
 * result gives the same bytes.
 */
#ifndef AUDITPACK_JUNIT_H
#define AUDITPACK_JUNIT_H

#include "../common/buf.h"
#include "../mappings/gate.h"

/* Append the document to out.  0 or ERR_NOMEM. */
int report_junit(struct buf *out, const struct gate_result *g);

#endif
