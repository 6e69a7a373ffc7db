package dev.steadysocket.android.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What each kind of consumer resolves from the POMs (and client-core's Gradle module metadata)
 * this build publishes. Run by failsafe after {@code package}, on the artifacts of this build:
 * client-android's jar and POM, and client-core's jar, POM and {@code .module} staged by
 * maven-dependency-plugin (from the reactor, or the local repository when built alone).
 *
 * <p>Maven side: real Maven runs {@code dependency:tree} on the consumer projects under {@code
 * src/it}, with a private local repository holding this build's artifacts and every remote
 * repository mirrored to the local repository of this build (so it never downloads anything).
 * Gradle side: {@link GradleModel} reads the same files the way Gradle does.
 */
class PublishedDependenciesIT {
  private static final String OKHTTP = prop("it.okhttpVersion");
  private static final String VERSION = prop("it.projectVersion");
  private static final Path STAGING = Paths.get(prop("it.stagingDir"));
  private static final Path LOCAL_REPOSITORY = Paths.get(prop("it.localRepository"));
  private static final Path WORK = Paths.get(prop("it.workDir"));

  // ------------------------------------------------------------------ Maven consumers

  @Test
  void mavenJvmAppGetsOkHttpJvm() throws Exception {
    Set<String> okhttp = okHttpArtifacts(mavenTree("jvm-app"));
    assertEquals(Set.of("com.squareup.okhttp3:okhttp-jvm:jar:" + OKHTTP + ":compile"), okhttp);
  }

  @Test
  void mavenSeesClientAndroidDependOnOkHttpsMultiplatformRootOnly() throws Exception {
    List<String> tree = mavenTree("android-app-maven");
    assertEquals(
        Set.of("com.squareup.okhttp3:okhttp:jar:" + OKHTTP + ":compile"), okHttpArtifacts(tree));
    assertTrue(tree.stream().anyMatch(l -> l.contains("dev.steadysocket:client-core:jar:")), tree::toString);
  }

  // ------------------------------------------------------------------ published metadata

  @Test
  void clientAndroidPomDeclaresOkHttpNotAPlatformVariant() {
    String pom = GradleModel.read(Paths.get(prop("it.androidPom")));
    String dependencies = pom.replaceAll("(?s)<!--.*?-->", "")
        .replaceAll("(?s)<build>.*", "");
    assertTrue(dependencies.contains("<artifactId>okhttp</artifactId>"), "okhttp declared");
    assertFalse(dependencies.contains("<artifactId>okhttp-android</artifactId>"), "okhttp-android declared");
    // okhttp-jvm appears twice: excluded from client-core, and provided (build only).
    Matcher jvm = Pattern.compile("(?s)<dependency>\\s*<groupId>com.squareup.okhttp3</groupId>\\s*"
        + "<artifactId>okhttp-jvm</artifactId>(.*?)</dependency>").matcher(dependencies);
    assertTrue(jvm.find(), "okhttp-jvm as a build-only dependency");
    assertTrue(jvm.group(1).contains("<scope>provided</scope>"), jvm.group(1));
    assertFalse(pom.contains(GradleModel.MARKER), "client-android publishes no .module");
  }

  @Test
  void clientCoreModuleMetadataMatchesItsPomAndJar() throws Exception {
    Path pom = staged("client-core", "pom");
    Path jar = staged("client-core", "jar");
    Path module = staged("client-core", "module");
    assertTrue(GradleModel.read(pom).contains(GradleModel.MARKER), "marker in client-core's POM");
    JsonNode metadata = GradleModel.readJson(module);

    assertEquals("1.1", metadata.get("formatVersion").asText());
    assertEquals("dev.steadysocket", metadata.at("/component/group").asText());
    assertEquals("client-core", metadata.at("/component/module").asText());
    assertEquals(VERSION, metadata.at("/component/version").asText());
    assertEquals(
        VERSION.endsWith("-SNAPSHOT") ? "integration" : "release",
        metadata.at("/component/attributes/org.gradle.status").asText());

    // The POM's compile dependencies, with okhttp-jvm replaced by the multiplatform root.
    Set<String> expected = new TreeSet<>();
    for (String d : pomDependencies(pom)) {
      expected.add(d.equals("com.squareup.okhttp3:okhttp-jvm:" + OKHTTP)
          ? "com.squareup.okhttp3:okhttp:" + OKHTTP : d);
    }
    assertTrue(expected.contains("com.squareup.okhttp3:okhttp:" + OKHTTP), expected::toString);

    List<String> variants = new ArrayList<>();
    for (JsonNode variant : metadata.get("variants")) {
      String name = variant.get("name").asText();
      variants.add(name);
      JsonNode a = variant.get("attributes");
      assertEquals("library", a.get("org.gradle.category").asText());
      assertEquals("external", a.get("org.gradle.dependency.bundling").asText());
      assertEquals("jar", a.get("org.gradle.libraryelements").asText());
      assertEquals(11, a.get("org.gradle.jvm.version").asInt());
      assertEquals(name.equals("apiElements") ? "java-api" : "java-runtime", a.get("org.gradle.usage").asText());
      Set<String> declared = new TreeSet<>();
      for (JsonNode d : variant.get("dependencies")) {
        declared.add(d.get("group").asText() + ":" + d.get("module").asText() + ":"
            + d.at("/version/requires").asText());
      }
      assertEquals(expected, declared, name);
      JsonNode file = variant.at("/files/0");
      assertEquals("client-core-" + VERSION + ".jar", file.get("name").asText());
      assertEquals("client-core-" + VERSION + ".jar", file.get("url").asText());
      byte[] bytes = Files.readAllBytes(jar);
      assertEquals(bytes.length, file.get("size").asLong());
      assertEquals(digest("SHA-512", bytes), file.get("sha512").asText());
      assertEquals(digest("SHA-256", bytes), file.get("sha256").asText());
      assertEquals(digest("SHA-1", bytes), file.get("sha1").asText());
      assertEquals(digest("MD5", bytes), file.get("md5").asText());
    }
    assertEquals(List.of("apiElements", "runtimeElements"), variants);
  }

  // ------------------------------------------------------------------ Gradle consumers (model)

  /**
   * An Android app with client-android, Retrofit 2's OkHttp 4.12 and a JVM library module that
   * uses client-core: one OkHttp module, 5.x, Android variant.
   */
  @Test
  void gradleAndroidAppWithRetrofitAndAJvmModuleGetsOneOkHttpAndroid() {
    Map<String, GradleModel.Node> nodes =
        gradle(GradleModel.ANDROID_RUNTIME)
            .resolve(
                List.of(
                    edge("dev.steadysocket:client-android", VERSION),
                    edge("com.squareup.okhttp3:okhttp", "4.12.0"), // what Retrofit 2 apps declare
                    edge("dev.steadysocket:client-core", VERSION))); // the JVM module's dependency

    Map<String, GradleModel.Node> okhttp = GradleModel.okHttpImplementations(nodes);
    assertEquals(Set.of("com.squareup.okhttp3:okhttp-android"), okhttp.keySet(), nodes::toString);
    assertEquals(OKHTTP, okhttp.get("com.squareup.okhttp3:okhttp-android").version);
    assertEquals(OKHTTP, nodes.get("com.squareup.okhttp3:okhttp").version); // 4.12.0 upgraded
    assertEquals("androidRuntimeElements-published", nodes.get("com.squareup.okhttp3:okhttp").source);
  }

  @Test
  void gradleJvmAppGetsOkHttpJvm() {
    Map<String, GradleModel.Node> nodes =
        gradle(GradleModel.JVM_RUNTIME).resolve(List.of(edge("dev.steadysocket:client-core", VERSION)));
    assertEquals(
        Set.of("com.squareup.okhttp3:okhttp-jvm"),
        GradleModel.okHttpImplementations(nodes).keySet(),
        nodes::toString);
  }

  // ------------------------------------------------------------------ helpers

  private GradleModel gradle(Map<String, String> attributes) {
    return new GradleModel(this::repositoryFile, Set.of("dev.steadysocket", "com.squareup.okhttp3"), attributes);
  }

  private static GradleModel.Edge edge(String module, String version) {
    return new GradleModel.Edge(module, version, Set.of());
  }

  /** This build's artifacts from the staging folder, the rest from the local repository. */
  private Path repositoryFile(String coordinates) {
    String[] c = coordinates.split(":");
    if (c[0].equals("dev.steadysocket") && c[1].equals("client-android")) {
      return c[3].equals("pom") ? Paths.get(prop("it.androidPom")) : WORK.resolve("absent");
    }
    if (c[0].equals("dev.steadysocket") && c[1].equals("steadysocket-parent")) {
      return Paths.get(prop("it.parentPom"));
    }
    if (c[0].equals("dev.steadysocket")) return staged(c[1], c[3]);
    return LOCAL_REPOSITORY.resolve(c[0].replace('.', '/')).resolve(c[1]).resolve(c[2])
        .resolve(c[1] + "-" + c[2] + "." + c[3]);
  }

  private static Path staged(String artifactId, String extension) {
    return STAGING.resolve(artifactId + "-" + VERSION + "." + extension);
  }

  /** The compile-scope dependencies in client-core's POM, as group:artifact:version. */
  private static Set<String> pomDependencies(Path pom) {
    Set<String> found = new TreeSet<>();
    String text = GradleModel.read(pom).replaceAll("(?s)<!--.*?-->", "")
        .replaceAll("(?s)<build>.*?</build>", "")
        .replaceAll("(?s)<profiles>.*?</profiles>", "");
    for (String d : text.split("<dependency>")) {
      if (!d.contains("</dependency>") || d.contains("<scope>")) continue;
      String module = between(d, "groupId") + ":" + between(d, "artifactId");
      found.add(module + ":" + managed(module));
    }
    assertFalse(found.isEmpty(), "no dependencies in " + pom);
    return found;
  }

  private static String managed(String module) {
    String parent = GradleModel.read(Paths.get(prop("it.parentPom")));
    Matcher m = Pattern.compile("(?s)<groupId>" + Pattern.quote(module.split(":")[0])
        + "</groupId>\\s*<artifactId>" + Pattern.quote(module.split(":")[1])
        + "</artifactId>\\s*<version>\\$\\{([^}]+)}</version>").matcher(parent);
    assertTrue(m.find(), "managed version of " + module);
    Matcher p = Pattern.compile("<" + Pattern.quote(m.group(1)) + ">([^<]+)</").matcher(parent);
    assertTrue(p.find(), m.group(1));
    return p.group(1);
  }

  private static String between(String xml, String tag) {
    Matcher m = Pattern.compile("<" + tag + ">\\s*([^<]*?)\\s*</" + tag + ">").matcher(xml);
    assertTrue(m.find(), tag + " in " + xml);
    return m.group(1);
  }

  /**
   * Runs real Maven's {@code dependency:tree} on {@code src/it/<name>} and returns the tree's
   * lines. The private local repository holds this build's artifacts as if installed; every
   * remote repository is mirrored to this build's local repository, so nothing is downloaded.
   */
  private List<String> mavenTree(String name) throws Exception {
    Path work = WORK.resolve(name);
    Path repo = WORK.resolve("repo");
    Files.createDirectories(work);
    String pom = Files.readString(Paths.get(prop("it.sources")).resolve(name).resolve("pom.xml"))
        .replace("@project.version@", VERSION);
    Files.writeString(work.resolve("pom.xml"), pom);
    install(repo);
    Path settings = WORK.resolve("settings.xml");
    Files.writeString(
        settings,
        "<settings><mirrors><mirror><id>build-local-repository</id><mirrorOf>*</mirrorOf><url>"
            + LOCAL_REPOSITORY.toUri() + "</url></mirror></mirrors></settings>");
    Path tree = work.resolve("tree.txt");
    Files.deleteIfExists(tree);
    Path log = work.resolve("mvn.log");
    Process mvn =
        new ProcessBuilder(
                Paths.get(prop("it.mavenHome"), "bin", "mvn").toString(),
                "-B", "-s", settings.toString(), "-Dmaven.repo.local=" + repo,
                "-f", work.resolve("pom.xml").toString(),
                "org.apache.maven.plugins:maven-dependency-plugin:" + prop("it.dependencyPluginVersion") + ":tree",
                "-DoutputFile=" + tree)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (!mvn.waitFor(5, TimeUnit.MINUTES)) {
      mvn.destroyForcibly();
      throw new AssertionError("mvn dependency:tree timed out; see " + log);
    }
    assertEquals(0, mvn.exitValue(), () -> "mvn dependency:tree failed:\n" + readQuietly(log));
    return Files.readAllLines(tree, StandardCharsets.UTF_8);
  }

  /** This build's artifacts into {@code repo}, laid out as {@code mvn install} would. */
  private static void install(Path repo) throws IOException {
    Path ours = repo.resolve("dev/steadysocket");
    if (Files.exists(ours)) {
      try (Stream<Path> files = Files.walk(ours)) {
        for (Path p : (Iterable<Path>) files.sorted((a, b) -> b.compareTo(a))::iterator) Files.delete(p);
      }
    }
    copy(Paths.get(prop("it.parentPom")), repo, "steadysocket-parent", "pom");
    for (String ext : List.of("pom", "jar", "module")) {
      // The .module is checked by clientCoreModuleMetadataMatchesItsPomAndJar; Maven ignores it.
      if (Files.exists(staged("client-core", ext))) copy(staged("client-core", ext), repo, "client-core", ext);
    }
    copy(Paths.get(prop("it.androidPom")), repo, "client-android", "pom");
    copy(Paths.get(prop("it.androidJar")), repo, "client-android", "jar");
  }

  private static void copy(Path from, Path repo, String artifactId, String extension) throws IOException {
    Path dir = repo.resolve("dev/steadysocket").resolve(artifactId).resolve(VERSION);
    Files.createDirectories(dir);
    Files.copy(from, dir.resolve(artifactId + "-" + VERSION + "." + extension), StandardCopyOption.REPLACE_EXISTING);
  }

  /** "g:a:type:version:scope" of every OkHttp artifact in a dependency:tree output. */
  private static Set<String> okHttpArtifacts(List<String> tree) {
    Set<String> found = new HashSet<>();
    Pattern artifact = Pattern.compile("(com\\.squareup\\.okhttp3:[\\w.-]+:[\\w]+:[\\w.-]+:\\w+)");
    for (String line : tree) {
      Matcher m = artifact.matcher(line);
      if (m.find()) found.add(m.group(1));
    }
    return found;
  }

  private static String digest(String algorithm, byte[] bytes) throws Exception {
    StringBuilder hex = new StringBuilder();
    for (byte b : MessageDigest.getInstance(algorithm).digest(bytes)) {
      hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
    }
    return hex.toString();
  }

  private static String readQuietly(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private static String prop(String name) {
    String value = System.getProperty(name);
    if (value == null) throw new IllegalStateException("system property " + name + " is not set (run through failsafe)");
    return value;
  }
}
