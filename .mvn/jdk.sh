# Chis's JDK hook, sourced by ./mvnw (one marked line near its top), the Makefile and .ci/run: when JAVA_HOME is unset
# or older than 21, pick the newest JDK 21+ found on the machine. Maven itself must run on 21+ (the CRD generator loads
# the operator's Java 21 classes in Maven's own JVM). After upgrading the wrapper (mvn wrapper:wrapper), run
# `make wrapper-hook` to put the line back; the enforcer fails the build with a clear message if it is missing.
java_major() { "$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1; }
if [ -z "${JAVA_HOME-}" ] || [ "$(java_major "$JAVA_HOME")" -lt 21 ] 2>/dev/null; then
  set +f  # mvnw runs with globbing off
  for candidate in $(ls -d /usr/lib/jvm/*/ /opt/java/*/ "$HOME"/.sdkman/candidates/java/*/ 2>/dev/null | sort -rV); do
    major=$(java_major "${candidate%/}")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then JAVA_HOME="${candidate%/}"; export JAVA_HOME; break; fi
  done
  set -f
fi
