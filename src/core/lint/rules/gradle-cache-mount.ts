import { cacheMountRule } from "../cache-mount-rule.js";

export const gradleCacheMount = cacheMountRule({
  id: "gradle-cache-mount",
  tool: "gradle",
  label: "Gradle",
  summary: "gradle/gradlew without a cache mount on the Gradle user home caches",
  explain: `Gradle downloads dependencies (and the wrapper's distribution) into GRADLE_USER_HOME
(~/.gradle). Keep its caches on a cache mount:

  RUN --mount=type=cache,target=/root/.gradle/caches ./gradlew build --no-daemon

Fires on gradle or gradlew with no cache mount holding $GRADLE_USER_HOME/caches (a mount on
the whole ~/.gradle counts).`,
});
