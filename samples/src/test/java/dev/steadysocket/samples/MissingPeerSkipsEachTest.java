package dev.steadysocket.samples;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.opentest4j.TestAbortedException;

/**
 * A peer missing in {@code @BeforeAll} skips every test of the class, one by one, with the reason.
 *
 * <p>Without this, an assumption that aborts {@code @BeforeAll} aborts the class as a whole: its
 * tests are neither run nor skipped, and Surefire reports the class as "Tests run: 0". Here the
 * abort is caught and remembered, and each test (each invocation of a parameterized test) is
 * disabled with its message, so Surefire counts and lists every one as skipped. Anything else
 * thrown by {@code @BeforeAll} (the failure {@link RedisServer#requireOrSkip} throws under {@code
 * CI=true}, a peer that fails to start) still fails the class.
 */
final class MissingPeerSkipsEachTest implements LifecycleMethodExecutionExceptionHandler, ExecutionCondition {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(MissingPeerSkipsEachTest.class);
  private static final String REASON = "reason";

  @Override
  public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable throwable)
      throws Throwable {
    if (!(throwable instanceof TestAbortedException)) {
      throw throwable;
    }
    context.getStore(NAMESPACE).put(REASON, String.valueOf(throwable.getMessage()));
  }

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    // The class itself, and a parameterized test's template (its invocations are judged one by one).
    if (context.getTestMethod().isEmpty() || isTestTemplate(context.getUniqueId())) {
      return ConditionEvaluationResult.enabled("tests are judged one by one");
    }
    String reason = context.getStore(NAMESPACE).get(REASON, String.class);
    return reason == null
        ? ConditionEvaluationResult.enabled("@BeforeAll found its peers")
        : ConditionEvaluationResult.disabled(reason);
  }

  /** "…/[method:…]" for a test, "…/[test-template:…]" for the template of a parameterized test. */
  private static boolean isTestTemplate(String uniqueId) {
    int template = uniqueId.lastIndexOf("/[test-template:");
    return template >= 0 && uniqueId.indexOf("/[", template + 1) < 0;
  }
}
