package dev.steadysocket.samples.support;

import dev.steadysocket.samples.DemoFeedServer;
import dev.steadysocket.samples.DemoFeedServerOptions;
import java.io.PrintStream;

/**
 * Runs a single-file example: with a URL argument against that server; without one against the
 * demo feed server, started here on 127.0.0.1 and stopped when the example returns. So the
 * examples hold only SteadySocket code, and each ends by itself.
 */
public final class Examples {
  /** One example's body: everything it does with a socket connected to {@code url}. */
  public interface Example {
    void run(String url) throws Exception;
  }

  private Examples() {}

  /** For an example's {@code main}: parses {@code [URL]}, runs it, exits 1 if it throws. */
  public static void run(Class<?> example, String[] argv, Example body) {
    Console.logLevel("warn");
    PrintStream err = Console.err();
    String name = example.getSimpleName();
    String[] url = {null};
    CommandLine commandLine = new CommandLine("Usage: " + name + " [URL]")
        .text("", "Runs the " + name + " example against URL, a server speaking the SteadySocket envelope",
            "format. Without a URL it starts the demo feed server on 127.0.0.1 and uses that.")
        .positional("URL", value -> url[0] = value);
    if (!commandLine.parseOrExit(name, argv, System.out, err)) {
      return;
    }
    DemoFeedServer demo = null;
    boolean failed = false;
    try {
      if (url[0] == null) {
        demo = DemoFeedServer.start(new DemoFeedServerOptions());
        url[0] = demo.url("/");
        err.println("* demo feed server on " + url[0]);
      }
      body.run(url[0]);
    } catch (Exception e) {
      err.println(name + ": " + ErrorText.describe(e));
      failed = true;
    } finally {
      if (demo != null) {
        demo.close();
      }
    }
    if (failed) {
      System.exit(1);
    }
  }
}
