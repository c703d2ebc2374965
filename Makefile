# Chis — local targets. Every target finds a JDK 21+ itself (.mvn/jdk.sh), even where the default java is older.
SHELL := /bin/bash
JAR := runtime/target/chis-runtime.jar
DEV_JAR := dev/target/chis-dev.jar
JAVA := $(shell . ./.mvn/jdk.sh >/dev/null 2>&1; echo "$${JAVA_HOME:+$$JAVA_HOME/bin/}java")
SOURCES := $(shell find proto/src common/src/main runtime/src/main stores/src/main dev/src/main -type f 2>/dev/null) pom.xml proto/pom.xml \
	common/pom.xml runtime/pom.xml stores/pom.xml dev/pom.xml

# A bare `make` lists the targets.
.DEFAULT_GOAL := help

# The split-role targets read DATABASE_URL, REDIS_URL, JWT_SECRET... from .env when it exists (cp .env.example .env);
# a variable already set by the caller wins. `make run` never reads .env.
DOTENV := if [ -f .env ]; then while IFS='=' read -r k v; do \
	[[ $$k =~ ^[A-Z_][A-Z0-9_]*$$ && -z "$${!k+x}" ]] && export "$$k=$$v"; done < .env; fi;

# Runs $(1) so that Ctrl-C reaches only the JVM (which stops the roles, then the stores it started in sessions of their
# own); stopped by Ctrl-C or SIGTERM, the target succeeds. On a terminal the JVM is made the terminal's foreground
# process group (set -m), so make itself never sees the SIGINT (GNU make re-raises one it gets: status 130).
# Without a terminal the JVM runs in a session of its own and a SIGINT or SIGTERM to the recipe is passed on as
# SIGTERM (a background job of a script starts with SIGINT ignored, and the JVM keeps it so).
FOREGROUND = if [ -t 0 ]; then set -m; $(1); rc=$$?; else \
	trap 'kill -TERM $$pid 2>/dev/null' INT TERM; \
	setsid $(1) & pid=$$!; wait $$pid; rc=$$?; [ $$rc -ge 128 ] && { wait $$pid; rc=$$?; }; fi; \
	case $$rc in 130|143) exit 0;; *) exit $$rc;; esac


.PHONY: help e2e run run-stores run-api run-grpc run-worker run-scheduler migrate-up build test crds operator bench images image-runtime image-operator wrapper-hook format

## help: this list (the default goal)
help:
	@grep -E '^## [a-z]' $(MAKEFILE_LIST) | sed -E 's/^## //' | awk -F': ' '{ printf "  make %-14s %s\n", $$1, substr($$0, length($$1) + 3) }'

## run: the whole system in one process on embedded PostgreSQL and Redis (data in ./.chis), from the dev jar
run: $(DEV_JAR)
	@$(call FOREGROUND,env -u DATABASE_URL -u REDIS_URL CHIS_ROLES=all $(JAVA) -jar $(DEV_JAR))

## run-stores: only the embedded PostgreSQL (54329) and Redis (63799), for the split-role targets below
run-stores: $(DEV_JAR)
	@$(call FOREGROUND,$(JAVA) -jar $(DEV_JAR) stores)

## run-api / run-grpc / run-worker / run-scheduler: one role per process, against DATABASE_URL and REDIS_URL
run-api: $(JAR)
	@$(DOTENV) export CHIS_ROLES=api METRICS_PORT=$${API_METRICS_PORT:-9090}; $(call FOREGROUND,$(JAVA) -jar $(JAR))

run-grpc: $(JAR) migrate-up
	@$(DOTENV) export CHIS_ROLES=delivery METRICS_PORT=$${DELIVERY_METRICS_PORT:-9091}; $(call FOREGROUND,$(JAVA) -jar $(JAR))

run-worker: $(JAR)
	@$(DOTENV) export CHIS_ROLES=worker METRICS_PORT=$${WORKER_METRICS_PORT:-9092}; $(call FOREGROUND,$(JAVA) -jar $(JAR))

run-scheduler: $(JAR)
	@$(DOTENV) export CHIS_ROLES=scheduler METRICS_PORT=$${SCHEDULER_METRICS_PORT:-9093}; $(call FOREGROUND,$(JAVA) -jar $(JAR))

## migrate-up: apply the database migrations to DATABASE_URL
migrate-up: $(JAR)
	@$(DOTENV) $(JAVA) -jar $(JAR) migrate

## build: the production runtime jar (runtime/target/chis-runtime.jar) and the dev jar of make run (dev/target/chis-dev.jar)
build: $(JAR) $(DEV_JAR)

# one reactor build writes both jars
$(DEV_JAR): $(SOURCES)
	./mvnw -q -B -ntp -DskipTests -pl dev -am package

$(JAR): $(DEV_JAR) ;

## test: everything CI runs
test:
	./mvnw -B -ntp verify

## e2e: the operator and the runtime run as a cluster would run them, on a simulated node (README "Tested as a
## cluster would run it"); ./mvnw verify runs the manifest checks and scenarios 1-2, this target all eight (the
## operator and runtime jars are built on the way, their own tests skipped)
e2e:
	./mvnw -B -ntp -Pe2e -pl e2e -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
		-Dit.test='io/chis/e2e/**/*IT' -Dfailsafe.failIfNoSpecifiedTests=false

## bench: the end-to-end benchmark (README "Benchmark"); options in ARGS, e.g. make bench ARGS="--split --duration 60s --rate 1000"
bench: $(JAR)
	./mvnw -q -B -ntp -Pbench -pl bench -am package -DskipTests
	$(JAVA) -jar bench/target/chis-bench.jar $(ARGS)

## operator: the operator jar (operator/target/chis-operator.jar)
operator:
	./mvnw -q -B -ntp -DskipTests -pl operator -am package

## crds: regenerate the committed CRDs in crds/ (and the Helm chart's copies) from the operator's CR classes
crds:
	./mvnw -q -B -ntp -pl operator -am process-classes && cp operator/target/classes/META-INF/fabric8/*.yml crds/ \
		&& cp crds/*.yml helm/chis-operator/files/crds/

# Container images with Jib, no Docker daemon needed. The tag defaults to the chart's appVersion, which is also the
# operator's default runtime image: ghcr.io/chis-io/chis-runtime:$(IMAGE_TAG) and ghcr.io/chis-io/chis-operator:$(IMAGE_TAG).
IMAGE_REGISTRY ?= ghcr.io/chis-io
IMAGE_TAG ?= 0.1.0
# buildTar: runtime/target/jib-image.tar and operator/target/jib-image.tar (docker load -i / podman load -i);
# build: push to IMAGE_REGISTRY (needs docker login or ~/.docker/config.json credentials); dockerBuild: a local daemon
JIB_GOAL ?= buildTar
# JIB_FLAGS, e.g. -Djib.from.image=<a mirror of eclipse-temurin:21-jre>, or tar:///path/to/base.tar
JIB_FLAGS ?=

## images: both container images (image-runtime, image-operator); e.g. make images JIB_GOAL=build IMAGE_REGISTRY=ghcr.io/you
images: image-runtime image-operator

image-runtime:
	./mvnw -q -B -ntp -DskipTests -pl runtime -am install
	./mvnw -B -ntp -pl runtime jib:$(JIB_GOAL) -Djib.to.image=$(IMAGE_REGISTRY)/chis-runtime:$(IMAGE_TAG) $(JIB_FLAGS)

image-operator:
	./mvnw -q -B -ntp -DskipTests -pl operator -am install
	./mvnw -B -ntp -pl operator jib:$(JIB_GOAL) -Djib.to.image=$(IMAGE_REGISTRY)/chis-operator:$(IMAGE_TAG) $(JIB_FLAGS)

## wrapper-hook: after a Maven wrapper upgrade, put back the line by which ./mvnw sources .mvn/jdk.sh (a JDK 21+ finder)
wrapper-hook:
	grep -q '.mvn/jdk.sh' mvnw || sed -i '0,/^set -euf/s||set -euf\n\n# Chis: build with a JDK 21+ even where the default java is older (.mvn/jdk.sh).\n. "$$(dirname "$$0")/.mvn/jdk.sh"|' mvnw

## format: rewrite the Java sources in the project's format (verify checks it)
format:
	./mvnw -q -B -ntp spotless:apply -Pbench
