/**
 * The hostile round of #20 against the kit: each test was written to fail, named for the defect it
 * found (for example {@code aThrowingServerHandlerWedgesTheInMemoryLink}), and now passes because
 * the defect is fixed — or, for the three resolved by documenting, asserts the documented
 * behaviour instead (their comments say so). {@code KitGuardTest} holds promises the kit kept but
 * its own tests did not check, each seen failing with a planted bug.
 */
package dev.steadysocket.testing.attack;
