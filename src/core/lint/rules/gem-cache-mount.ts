import { cacheMountRule } from "../cache-mount-rule.js";

export const gemCacheMount = cacheMountRule({
  id: "gem-cache-mount",
  tool: "gem",
  label: "RubyGems",
  offOptions: ["--no-cache"],
  cleanCommands: [["bundle", "clean"]],
  summary: "bundle install / gem install without a cache mount on $GEM_HOME/cache",
  explain: `RubyGems fetches each .gem file into $GEM_HOME/cache before unpacking it, and reuses a file
already there. In ruby images GEM_HOME is /usr/local/bundle; keep its cache folder on a cache
mount so a Gemfile change does not download every gem again:

  RUN --mount=type=cache,target=/usr/local/bundle/cache bundle install

Fires on \`bundle install\` and \`gem install\` when GEM_HOME is set or the base image is a ruby
image (elsewhere the gem folder depends on the Ruby version: kiln stays silent).`,
});
