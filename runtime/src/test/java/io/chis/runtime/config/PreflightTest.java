package io.chis.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PreflightTest {

    @Test
    void thePlaceholderWarnedAboutIsTheOneInEnvExample() throws Exception {
        assertThat(Files.readAllLines(Path.of("..", ".env.example")))
                .contains("JWT_SECRET=" + Preflight.PLACEHOLDER_JWT_SECRET);
    }

    @Test
    void helpNamesEveryVariableOfTheTable() {
        String help = Setting.help("chis-runtime.jar", "  serve\n");
        for (Setting setting : Setting.values()) assertThat(help).contains(setting.name());
    }
}
