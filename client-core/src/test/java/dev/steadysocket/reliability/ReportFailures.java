package dev.steadysocket.reliability;

import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/** Puts failed and skipped tests into the report, so a report never hides them. */
public final class ReportFailures implements TestWatcher {
  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    Report.row(Report.Section.FAILED, name(context), "pass", "FAILED: " + cause, "");
  }

  @Override
  public void testAborted(ExtensionContext context, Throwable cause) {
    Report.row(Report.Section.FAILED, name(context), "run", "SKIPPED: " + cause.getMessage(), "");
  }

  @Override
  public void testDisabled(ExtensionContext context, Optional<String> reason) {
    Report.row(Report.Section.FAILED, name(context), "run", "DISABLED: " + reason.orElse(""), "");
  }

  private static String name(ExtensionContext c) {
    return c.getRequiredTestClass().getSimpleName() + " › " + c.getDisplayName();
  }
}
