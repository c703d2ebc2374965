package io.chis.operator.install;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** helm/chis-operator through the real Helm library (helm-java): lint, and template into fabric8 objects. */
final class HelmChart {
    static final Path CHART = Path.of("..", "helm", "chis-operator");
    static final String RELEASE = "chis-operator";
    static final String NAMESPACE = "chis";

    private HelmChart() {}

    static LintResult lint() {
        return new Helm(CHART).lint().strict().call();
    }

    /** {@code helm template chis-operator helm/chis-operator -n chis --set key=value...} */
    static String templateYaml(Map<String, Object> values) {
        TemplateCommand template = new Helm(CHART).template().withName(RELEASE).withNamespace(NAMESPACE);
        values.forEach(template::set);
        return template.call();
    }

    /** NOTES.txt as `helm install --dry-run` prints it (helm-java's template leaves NOTES out). */
    static String notes(Map<String, Object> values) {
        InstallCommand install = new Helm(CHART)
                .install()
                .withName(RELEASE)
                .withNamespace(NAMESPACE)
                .dryRun()
                .clientOnly();
        values.forEach(install::set);
        return install.call().getOutput();
    }

    static Rendered template(Map<String, Object> values) {
        return new Rendered(parse(templateYaml(values)));
    }

    static List<HasMetadata> parse(String yaml) {
        return Arrays.stream(yaml.split("(?m)^---\\s*$"))
                .filter(doc -> doc.lines().anyMatch(line -> line.startsWith("kind:")))
                .map(doc -> Serialization.unmarshal(doc, HasMetadata.class))
                .toList();
    }

    /** The objects one {@code helm template} produced. */
    record Rendered(List<HasMetadata> objects) {
        <T extends HasMetadata> List<T> all(Class<T> type) {
            return objects.stream().filter(type::isInstance).map(type::cast).toList();
        }

        <T extends HasMetadata> T one(Class<T> type) {
            List<T> found = all(type);
            if (found.size() != 1) {
                throw new AssertionError("expected one " + type.getSimpleName() + ", rendered " + found.size());
            }
            return found.get(0);
        }

        <T extends HasMetadata> T named(Class<T> type, String name) {
            return all(type).stream()
                    .filter(o -> name.equals(o.getMetadata().getName()))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name + " rendered"));
        }

        List<HasMetadata> ofKind(String kind) {
            return objects.stream().filter(o -> kind.equals(o.getKind())).toList();
        }

        Optional<HasMetadata> find(String kind, String name) {
            return ofKind(kind).stream()
                    .filter(o -> name.equals(o.getMetadata().getName()))
                    .findFirst();
        }
    }
}
