package io.chis.operator.install;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chis.operator.ChisOperator;
import io.chis.operator.platform.PlatformSettings;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** One name and one tag per image, wherever it is built or referred to: Jib, the Makefile, the chart, config/, the operator. */
class ImageNamesTest {
    private static final Path ROOT = Path.of("..");
    private static final String OPERATOR_IMAGE = "ghcr.io/chis-io/chis-operator";
    private static final String RUNTIME_IMAGE = "ghcr.io/chis-io/chis-runtime";

    @Test
    void everyPlaceNamesTheSameImagesAndTag() throws Exception {
        String tag = HelmChartIT.appVersion();

        // what the operator runs by default and what the chart and config/ run
        assertThat(PlatformSettings.DEFAULT_IMAGE).isEqualTo(RUNTIME_IMAGE + ":" + tag);
        JsonNode values =
                CrdSchemas.YAML.readTree(HelmChart.CHART.resolve("values.yaml").toFile());
        assertThat(values.at("/image/repository").asText()).isEqualTo(OPERATOR_IMAGE);
        Deployment manager = Serialization.unmarshal(
                Files.readString(ROOT.resolve("config/manager/manager.yaml")), Deployment.class);
        assertThat(manager.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getImage())
                .isEqualTo(OPERATOR_IMAGE + ":" + tag);
        JsonNode kustomization = CrdSchemas.YAML.readTree(
                ROOT.resolve("config/manager/kustomization.yaml").toFile());
        assertThat(kustomization.at("/images/0/name").asText()).isEqualTo(OPERATOR_IMAGE);
        assertThat(kustomization.at("/images/0/newTag").asText()).isEqualTo(tag);
        JsonNode platformSample =
                CrdSchemas.YAML.readTree(ROOT.resolve("config/samples/chis_v1alpha1_webhookplatform.yaml")
                        .toFile());
        if (platformSample.at("/spec/image").isTextual()) {
            assertThat(platformSample.at("/spec/image").asText()).isEqualTo(RUNTIME_IMAGE + ":" + tag);
        }

        // what builds them: Jib in each module, tagged by the Makefile
        assertThat(jibImage("runtime/pom.xml")).startsWith(RUNTIME_IMAGE + ":");
        assertThat(jibImage("operator/pom.xml")).startsWith(OPERATOR_IMAGE + ":");
        String makefile = Files.readString(ROOT.resolve("Makefile"));
        assertThat(makeVariable(makefile, "IMAGE_REGISTRY") + "/chis-operator").isEqualTo(OPERATOR_IMAGE);
        assertThat(makeVariable(makefile, "IMAGE_TAG")).isEqualTo(tag);
        assertThat(makefile)
                .contains(
                        "-Djib.to.image=$(IMAGE_REGISTRY)/chis-runtime:$(IMAGE_TAG)",
                        "-Djib.to.image=$(IMAGE_REGISTRY)/chis-operator:$(IMAGE_TAG)");
    }

    @Test
    void theOperatorImageStartsTheOperator() throws Exception {
        Document pom = pom("operator/pom.xml");
        String mainClass = jib(pom).getElementsByTagName("mainClass")
                .item(0)
                .getTextContent()
                .trim();
        if (mainClass.startsWith("${")) {
            String property = mainClass.substring(2, mainClass.length() - 1);
            mainClass =
                    pom.getElementsByTagName(property).item(0).getTextContent().trim();
        }
        assertThat(mainClass).isEqualTo(ChisOperator.class.getName());
        assertThat(ChisOperator.class.getMethod("main", String[].class)).isNotNull();
        assertThat(jib(pom).getElementsByTagName("user").item(0).getTextContent())
                .startsWith("65532");
    }

    private static String jibImage(String pomPath) throws Exception {
        Element to = (Element) jib(pom(pomPath)).getElementsByTagName("to").item(0);
        return to.getElementsByTagName("image").item(0).getTextContent().trim();
    }

    private static Element jib(Document pom) {
        NodeList plugins = pom.getElementsByTagName("plugin");
        for (int i = 0; i < plugins.getLength(); i++) {
            Element plugin = (Element) plugins.item(i);
            if (plugin.getElementsByTagName("artifactId")
                    .item(0)
                    .getTextContent()
                    .trim()
                    .equals("jib-maven-plugin")) {
                return plugin;
            }
        }
        throw new AssertionError("no jib-maven-plugin");
    }

    private static Document pom(String path) throws Exception {
        return DocumentBuilderFactory.newInstance()
                .newDocumentBuilder()
                .parse(ROOT.resolve(path).toFile());
    }

    private static String makeVariable(String makefile, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\s*\\?=\\s*(\\S+)\\s*$").matcher(makefile);
        assertThat(m.find()).as(name + " in the Makefile").isTrue();
        return m.group(1);
    }
}
