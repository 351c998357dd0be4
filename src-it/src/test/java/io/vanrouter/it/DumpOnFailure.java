package io.vanrouter.it;

import java.lang.reflect.Field;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Prints every router's status and log tail when a test fails, while the routers still run (this callback comes
 * before {@code @AfterEach}), so a CI log shows what the network looked like.
 */
public final class DumpOnFailure implements AfterTestExecutionCallback {

    @Override
    public void afterTestExecution(ExtensionContext context) {
        if (context.getExecutionException().isEmpty()) {
            return;
        }
        Object instance = context.getRequiredTestInstance();
        for (Field field : instance.getClass().getDeclaredFields()) {
            if (field.getType() != TestNetwork.class) {
                continue;
            }
            try {
                field.setAccessible(true);
                TestNetwork network = (TestNetwork) field.get(instance);
                if (network != null) {
                    System.err.println("### " + context.getDisplayName() + " failed; network state:\n"
                            + network.report());
                }
            } catch (IllegalAccessException e) {
                System.err.println("cannot dump network: " + e);
            }
        }
    }
}
