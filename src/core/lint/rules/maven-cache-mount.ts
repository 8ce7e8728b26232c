import { cacheMountRule } from "../cache-mount-rule.js";

export const mavenCacheMount = cacheMountRule({
  id: "maven-cache-mount",
  tool: "maven",
  label: "Maven",
  summary: "mvn without a cache mount on the local repository (~/.m2)",
  explain: `Maven downloads every dependency and plugin into the local repository (~/.m2/repository,
or -Dmaven.repo.local). Keep it on a cache mount:

  RUN --mount=type=cache,target=/root/.m2 mvn -B package -DskipTests

Fires on any mvn/mvnw invocation with no cache mount holding ~/.m2/repository (a mount on
~/.m2 counts; HOME and MAVEN_CONFIG are followed).`,
});
