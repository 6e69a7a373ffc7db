import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The mutation score that counts only mutants a test killed by failing (PIT status KILLED).
 *
 * <p>PIT's own mutationThreshold counts a timed-out mutant as killed, but a timeout usually means
 * a test that hangs when the code is wrong, not one that notices: this check reads
 * target/pit-reports/mutations.xml, prints killed / timed out / survived / no coverage (and any
 * other status) separately, and fails when KILLED falls below the threshold.
 *
 * <p>Equivalent mutants (a change no test can observe) may be listed, one per line with its
 * reason, in an equivalents file: {@code Class#method | mutator | description | why}. Each listed
 * mutant that SURVIVED (or has NO_COVERAGE) counts as "equivalent, justified": it leaves the
 * denominator and is printed with its reason (a mutant that timed out changed what the code does,
 * so it is never taken for one). A listed line that matches no such mutant (in a class this run
 * mutated) fails the check, so the list cannot outlive the code it describes.
 *
 * <p>Run by the mutation profiles with the build's JDK as a single-file program:
 * {@code java MutationScore.java <mutations.xml> <threshold percent> [equivalents file]}.
 */
public final class MutationScore {
  private static final String KILLED = "KILLED";

  private record Mutant(
      String clazz, String method, int line, String mutator, String description, String status) {
    String key() {
      return clazz + "#" + method + " | " + mutator + " | " + description;
    }
  }

  private record Equivalent(String key, String why, int lineNumber) {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2 || args.length > 3) {
      System.err.println("usage: java MutationScore.java <mutations.xml> <threshold %> [equivalents]");
      System.exit(2);
    }
    File report = new File(args[0]);
    double threshold = Double.parseDouble(args[1]);
    if (!report.isFile()) fail("no PIT report at " + report + " (did mutationCoverage run?)");

    List<Mutant> mutants = read(report);
    List<Equivalent> equivalents =
        args.length == 3 && !args[2].isEmpty() ? readEquivalents(new File(args[2])) : List.of();

    Map<String, Integer> byStatus = new LinkedHashMap<>();
    for (String s : new String[] {KILLED, "TIMED_OUT", "SURVIVED", "NO_COVERAGE"}) {
      byStatus.put(s, 0);
    }
    for (Mutant m : mutants) byStatus.merge(m.status, 1, Integer::sum);

    // Each listed equivalent takes one not-killed mutant with its key (a key may be listed as many
    // times as there are identical mutants in that method).
    List<Mutant> unmatched = new ArrayList<>();
    List<Mutant> candidates = new ArrayList<>(); // a mutant that times out changed behaviour: never equivalent
    for (Mutant m : mutants) {
      if (m.status.equals(KILLED)) continue;
      unmatched.add(m);
      if (m.status.equals("SURVIVED") || m.status.equals("NO_COVERAGE")) candidates.add(m);
    }
    List<String> justified = new ArrayList<>();
    List<String> stale = new ArrayList<>();
    java.util.Set<String> mutatedClasses = new java.util.HashSet<>();
    for (Mutant m : mutants) mutatedClasses.add(m.clazz);
    for (Equivalent e : equivalents) {
      // A run narrowed with -Dpit.targetClasses judges only the entries of the classes it mutated.
      if (!mutatedClasses.contains(e.key.substring(0, e.key.indexOf('#')))) continue;
      Mutant hit = null;
      for (Mutant m : candidates) {
        if (m.key().equals(e.key)) {
          hit = m;
          break;
        }
      }
      if (hit == null) {
        stale.add("line " + e.lineNumber + ": " + e.key);
      } else {
        candidates.remove(hit);
        unmatched.remove(hit);
        justified.add(hit.status + " " + hit.clazz + ":" + hit.line + " " + hit.description
            + "\n      why: " + e.why);
      }
    }

    int total = mutants.size();
    int killed = byStatus.get(KILLED);
    int counted = total - justified.size();
    double score = counted == 0 ? 100.0 : 100.0 * killed / counted;

    System.out.println("Mutation score, killed by a failing test only (" + report + "):");
    System.out.printf("  mutants        %5d%n", total);
    for (Map.Entry<String, Integer> e : byStatus.entrySet()) {
      System.out.printf("  %-14s %5d%n", e.getKey().toLowerCase().replace('_', ' '), e.getValue());
    }
    if (!equivalents.isEmpty()) {
      System.out.printf("  equivalent     %5d (listed and justified; not counted)%n", justified.size());
    }
    System.out.printf(
        "  score          %5.1f %% killed by assertion (%d of %d), threshold %.1f %%%n",
        score, killed, counted, threshold);

    Map<String, int[]> perClass = new TreeMap<>();
    for (Mutant m : unmatched) {
      int[] c = perClass.computeIfAbsent(m.clazz, k -> new int[3]);
      c[m.status.equals("TIMED_OUT") ? 0 : m.status.equals("SURVIVED") ? 1 : 2]++;
    }
    if (!perClass.isEmpty()) {
      System.out.println("  not killed, by class (timed out / survived / other):");
      perClass.forEach((c, n) -> System.out.printf("    %-60s %3d %3d %3d%n", c, n[0], n[1], n[2]));
    }
    if (!justified.isEmpty()) {
      System.out.println("  equivalent mutants (from the list):");
      for (String j : justified) System.out.println("    " + j);
    }

    if (!stale.isEmpty()) {
      fail("listed as equivalent but no such mutant is left unkilled (killed now, or the code"
          + " changed): update " + args[2] + "\n    " + String.join("\n    ", stale));
    }
    if (total == 0) fail("the report holds no mutants");
    if (score < threshold) {
      fail(String.format(
          "mutation score %.1f %% killed by assertion is below the threshold of %.1f %%",
          score, threshold));
    }
  }

  private static List<Mutant> read(File report) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    Document doc = factory.newDocumentBuilder().parse(report);
    NodeList nodes = doc.getElementsByTagName("mutation");
    List<Mutant> mutants = new ArrayList<>();
    for (int i = 0; i < nodes.getLength(); i++) {
      Element e = (Element) nodes.item(i);
      mutants.add(new Mutant(
          text(e, "mutatedClass"),
          text(e, "mutatedMethod"),
          Integer.parseInt(text(e, "lineNumber")),
          shortMutator(text(e, "mutator")),
          text(e, "description"),
          e.getAttribute("status")));
    }
    return mutants;
  }

  /** Lines {@code Class#method | mutator | description | why}; '#' at the start is a comment. */
  private static List<Equivalent> readEquivalents(File file) throws Exception {
    if (!file.isFile()) return List.of();
    List<Equivalent> list = new ArrayList<>();
    List<String> lines = Files.readAllLines(file.toPath(), StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) continue;
      String[] parts = line.split("\\s*\\|\\s*", 4);
      if (parts.length != 4 || parts[3].isEmpty()) {
        fail(file + " line " + (i + 1) + ": expected 'Class#method | mutator | description | why'");
      }
      list.add(new Equivalent(parts[0] + " | " + parts[1] + " | " + parts[2], parts[3], i + 1));
    }
    return list;
  }

  private static String shortMutator(String mutator) {
    return mutator.substring(mutator.lastIndexOf('.') + 1);
  }

  private static String text(Element parent, String tag) {
    NodeList n = parent.getElementsByTagName(tag);
    return n.getLength() == 0 ? "" : n.item(0).getTextContent();
  }

  private static void fail(String message) {
    System.err.println("MutationScore: " + message);
    System.exit(1);
  }
}
