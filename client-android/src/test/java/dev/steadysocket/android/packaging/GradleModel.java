package dev.steadysocket.android.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small model of how Gradle resolves a graph of Maven modules, for the modules that decide
 * which OkHttp an app gets (there is no Gradle on the build machine). It follows what Gradle
 * documents and does, restricted to what these POMs and module files use:
 *
 * <ul>
 *   <li>A POM that contains {@code do_not_remove: published-with-gradle-metadata} is read through
 *       its {@code .module} file instead; otherwise the POM's compile and runtime dependencies
 *       (not provided, test or optional ones) and its exclusions apply.
 *   <li>One version per module: the highest requested wins (Gradle's default conflict
 *       resolution); a module is left out only where every path to it excludes it.
 *   <li>In a {@code .module}, the variant is chosen by attributes: each attribute both sides
 *       state must be compatible (equal; a lower {@code org.gradle.jvm.version}; any {@code
 *       org.gradle.jvm.environment}; a {@code jvm} Kotlin platform for an {@code androidJvm}
 *       consumer), then exact matches on environment and platform win; {@code available-at}
 *       sends the edge to another module.
 * </ul>
 *
 * Only the groups {@link #followed} names are walked: the rest cannot bring in OkHttp.
 */
final class GradleModel {
  static final String MARKER = "do_not_remove: published-with-gradle-metadata";

  /** What an Android app's runtime classpath asks for (AGP's and Kotlin's attributes). */
  static final Map<String, String> ANDROID_RUNTIME =
      Map.of(
          "org.gradle.usage", "java-runtime",
          "org.gradle.category", "library",
          "org.gradle.jvm.environment", "android",
          "org.jetbrains.kotlin.platform.type", "androidJvm");

  /** What a Java 17 JVM application's runtime classpath asks for. */
  static final Map<String, String> JVM_RUNTIME =
      Map.of(
          "org.gradle.usage", "java-runtime",
          "org.gradle.category", "library",
          "org.gradle.jvm.environment", "standard-jvm",
          "org.jetbrains.kotlin.platform.type", "jvm",
          "org.gradle.jvm.version", "17");

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A resolved module and the files its chosen variant (or its POM) puts on the classpath. */
  static final class Node {
    final String module; // group:name
    final String version;
    final List<String> files;
    final String source; // "pom" or the chosen variant's name

    Node(String module, String version, List<String> files, String source) {
      this.module = module;
      this.version = version;
      this.files = files;
      this.source = source;
    }

    @Override
    public String toString() {
      return module + ":" + version + " (" + source + ") " + files;
    }
  }

  /** A dependency edge: module, requested version, and the modules excluded below it. */
  static final class Edge {
    final String module;
    final String version;
    final Set<String> excludes;

    Edge(String module, String version, Set<String> excludes) {
      this.module = module;
      this.version = version;
      this.excludes = excludes;
    }
  }

  private final Function<String, Path> repository; // "group:name:version:ext" -> file, maybe absent
  private final Set<String> followed;
  private final Map<String, String> attributes;

  /**
   * @param repository finds a module's files by "group:name:version:extension" (pom, module,
   *     jar, aar); a path that does not exist means the file is not published
   */
  GradleModel(Function<String, Path> repository, Set<String> followed, Map<String, String> attributes) {
    this.repository = repository;
    this.followed = followed;
    this.attributes = attributes;
  }

  /** Resolves the graph below {@code roots}; returns the resolved modules by group:name. */
  Map<String, Node> resolve(List<Edge> roots) {
    Map<String, String> selected = new TreeMap<>();
    while (true) {
      Map<String, Node> nodes = new TreeMap<>();
      String raised = walk(roots, selected, nodes);
      if (raised == null) return nodes;
    }
  }

  /** One pass; returns the module whose selected version went up (the walk starts over), or null. */
  private String walk(List<Edge> roots, Map<String, String> selected, Map<String, Node> nodes) {
    Deque<Edge> queue = new ArrayDeque<>(roots);
    Set<String> seen = new HashSet<>();
    while (!queue.isEmpty()) {
      Edge edge = queue.poll();
      if (!followed.contains(edge.module.substring(0, edge.module.indexOf(':')))) continue;
      String current = selected.get(edge.module);
      if (current == null || compareVersions(edge.version, current) > 0) {
        selected.put(edge.module, edge.version);
        if (current != null) return edge.module;
        current = edge.version;
      }
      if (!seen.add(edge.module + "|" + edge.excludes)) continue;
      for (Edge next : expand(edge.module, current, edge.excludes, nodes)) {
        if (!next.excludes.contains(next.module)) queue.add(next);
      }
    }
    return null;
  }

  private List<Edge> expand(String module, String version, Set<String> excludes, Map<String, Node> nodes) {
    String gav = module + ":" + version;
    Path pom = repository.apply(gav + ":pom");
    String pomText = read(pom);
    Path moduleFile = repository.apply(gav + ":module");
    if (pomText.contains(MARKER) && Files.isRegularFile(moduleFile)) {
      return fromModuleMetadata(module, version, excludes, moduleFile, nodes);
    }
    return fromPom(module, version, excludes, pomText, nodes);
  }

  private List<Edge> fromModuleMetadata(
      String module, String version, Set<String> excludes, Path file, Map<String, Node> nodes) {
    JsonNode variant = selectVariant(module, readJson(file));
    List<Edge> edges = new ArrayList<>();
    JsonNode availableAt = variant.get("available-at");
    List<String> files = new ArrayList<>();
    for (JsonNode f : variant.path("files")) files.add(f.get("name").asText());
    nodes.put(module, new Node(module, version, files, variant.get("name").asText()));
    if (availableAt != null) {
      edges.add(
          new Edge(
              availableAt.get("group").asText() + ":" + availableAt.get("module").asText(),
              availableAt.get("version").asText(),
              excludes));
      return edges;
    }
    for (JsonNode d : variant.path("dependencies")) {
      Set<String> below = new HashSet<>(excludes);
      for (JsonNode x : d.path("excludes")) {
        below.add(x.get("group").asText() + ":" + x.get("module").asText());
      }
      edges.add(
          new Edge(
              d.get("group").asText() + ":" + d.get("module").asText(),
              d.path("version").path("requires").asText(),
              below));
    }
    return edges;
  }

  /** The variant Gradle picks for {@link #attributes}; fails if none or several fit. */
  JsonNode selectVariant(String module, JsonNode metadata) {
    List<JsonNode> compatible = new ArrayList<>();
    for (JsonNode v : metadata.get("variants")) {
      if (compatible(v.path("attributes"))) compatible.add(v);
    }
    for (String preferred :
        List.of("org.gradle.jvm.environment", "org.jetbrains.kotlin.platform.type")) {
      if (compatible.size() <= 1) break;
      List<JsonNode> exact = new ArrayList<>();
      for (JsonNode v : compatible) {
        if (attributes.get(preferred).equals(v.path("attributes").path(preferred).asText(null))) {
          exact.add(v);
        }
      }
      if (!exact.isEmpty()) compatible = exact;
    }
    if (compatible.size() != 1) {
      throw new AssertionError(module + ": " + compatible.size() + " variants fit " + attributes);
    }
    return compatible.get(0);
  }

  private boolean compatible(JsonNode variantAttributes) {
    for (Map.Entry<String, String> wanted : attributes.entrySet()) {
      JsonNode offered = variantAttributes.get(wanted.getKey());
      if (offered == null) continue;
      String key = wanted.getKey();
      String value = offered.asText();
      boolean ok;
      if (key.equals("org.gradle.jvm.version")) {
        ok = Integer.parseInt(value) <= Integer.parseInt(wanted.getValue());
      } else if (key.equals("org.gradle.jvm.environment")) {
        ok = true; // Gradle: every environment is compatible, the requested one preferred
      } else if (key.equals("org.jetbrains.kotlin.platform.type")) {
        ok = value.equals(wanted.getValue())
            || (value.equals("jvm") && wanted.getValue().equals("androidJvm"));
      } else {
        ok = value.equals(wanted.getValue());
      }
      if (!ok) return false;
    }
    return true;
  }

  private static final Pattern DEPENDENCY =
      Pattern.compile("<dependency>(.*?)</dependency>", Pattern.DOTALL);

  /** POM dependencies as Gradle maps them: compile and runtime scopes, no optional ones. */
  private List<Edge> fromPom(
      String module, String version, Set<String> excludes, String pomText, Map<String, Node> nodes) {
    pomText = pomText.replaceAll("(?s)<!--.*?-->", "")
        .replaceAll("(?s)<build>.*?</build>", "")
        .replaceAll("(?s)<profiles>.*?</profiles>", "");
    Map<String, String> properties = properties(pomText, version);
    String parent = parentPom(pomText);
    String packaging = tag(stripDependencies(pomText), "packaging");
    String extension = packaging == null || packaging.equals("bundle") ? "jar" : packaging;
    String name = module.substring(module.indexOf(':') + 1);
    nodes.put(module, new Node(module, version, List.of(name + "-" + version + "." + extension), "pom"));
    List<Edge> edges = new ArrayList<>();
    String dependencies = section(pomText, "dependencies");
    if (dependencies == null) return edges;
    Matcher m = DEPENDENCY.matcher(dependencies);
    while (m.find()) {
      String d = m.group(1);
      String scope = tag(d, "scope");
      if (scope != null && !scope.equals("compile") && !scope.equals("runtime")) continue;
      if ("true".equals(tag(d, "optional"))) continue;
      Set<String> below = new HashSet<>(excludes);
      String exclusions = section(d, "exclusions");
      if (exclusions != null) {
        Matcher x = Pattern.compile("<exclusion>(.*?)</exclusion>", Pattern.DOTALL).matcher(exclusions);
        while (x.find()) below.add(tag(x.group(1), "groupId") + ":" + tag(x.group(1), "artifactId"));
      }
      String dependency = tag(d, "groupId") + ":" + tag(d, "artifactId");
      String requested = tag(d, "version");
      if (requested == null && parent != null) requested = managedVersion(parent, dependency);
      if (requested == null) throw new AssertionError(module + ": no version for " + dependency);
      edges.add(new Edge(dependency, interpolate(requested, properties), below));
    }
    return edges;
  }

  /** The parent POM's text, or null: properties and managed versions come from there. */
  private String parentPom(String pomText) {
    String parent = section(pomText, "parent");
    if (parent == null) return null;
    String gav = tag(parent, "groupId") + ":" + tag(parent, "artifactId") + ":" + tag(parent, "version");
    return read(repository.apply(gav + ":pom")).replaceAll("(?s)<!--.*?-->", "");
  }

  /** The parent's and the POM's own properties, and project.version. */
  private Map<String, String> properties(String pomText, String version) {
    Map<String, String> properties = new TreeMap<>();
    String parent = parentPom(pomText);
    for (String text : parent == null ? List.of(pomText) : List.of(parent, pomText)) {
      String section = section(text, "properties");
      if (section == null) continue;
      Matcher m = Pattern.compile("<([\\w.-]+)>\\s*([^<]*?)\\s*</\\1>").matcher(section);
      while (m.find()) properties.put(m.group(1), m.group(2));
    }
    properties.put("project.version", version);
    return properties;
  }

  private String managedVersion(String parentText, String dependency) {
    Matcher m = Pattern.compile("(?s)<dependencyManagement>(.*?)</dependencyManagement>").matcher(parentText);
    if (!m.find()) return null;
    Matcher d = DEPENDENCY.matcher(m.group(1));
    while (d.find()) {
      if (dependency.equals(tag(d.group(1), "groupId") + ":" + tag(d.group(1), "artifactId"))) {
        return interpolate(tag(d.group(1), "version"), properties(parentText, "?"));
      }
    }
    return null;
  }

  private static String interpolate(String value, Map<String, String> properties) {
    Matcher m = Pattern.compile("\\$\\{([^}]+)}").matcher(value);
    StringBuffer out = new StringBuffer();
    while (m.find()) {
      String replacement = properties.get(m.group(1));
      if (replacement == null) throw new AssertionError("undefined property " + m.group());
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** The POM's own dependencies section (not dependencyManagement's), or null. */
  private static String section(String xml, String name) {
    String withoutManagement = xml.replaceAll("(?s)<dependencyManagement>.*?</dependencyManagement>", "");
    Matcher m = Pattern.compile("(?s)<" + name + ">(.*)</" + name + ">").matcher(withoutManagement);
    return m.find() ? m.group(1) : null;
  }

  private static String stripDependencies(String xml) {
    return xml.replaceAll("(?s)<dependencies>.*</dependencies>", "")
        .replaceAll("(?s)<parent>.*?</parent>", "");
  }

  private static String tag(String xml, String name) {
    Matcher m = Pattern.compile("<" + name + ">\\s*([^<]*?)\\s*</" + name + ">").matcher(xml);
    return m.find() ? m.group(1) : null;
  }

  /** Maven-style numeric comparison, enough for the versions here (4.12.0, 5.5.1, 3.14.9). */
  static int compareVersions(String a, String b) {
    String[] x = a.split("[.-]");
    String[] y = b.split("[.-]");
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      String p = i < x.length ? x[i] : "0";
      String q = i < y.length ? y[i] : "0";
      int c =
          p.matches("\\d+") && q.matches("\\d+")
              ? Long.compare(Long.parseLong(p), Long.parseLong(q))
              : p.compareTo(q);
      if (c != 0) return c;
    }
    return 0;
  }

  /** The modules among {@code nodes} that put OkHttp classes on the classpath. */
  static Map<String, Node> okHttpImplementations(Map<String, Node> nodes) {
    Map<String, Node> found = new LinkedHashMap<>();
    for (Node n : nodes.values()) {
      if (n.module.startsWith("com.squareup.okhttp3:okhttp") && !n.files.isEmpty()) {
        found.put(n.module, n);
      }
    }
    return found;
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode readJson(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
