import Foundation
import PackagePlugin

/// Compiles the package's top-level `openapi.yaml` into the target it is applied to, as
/// `OpenAPIDocument.yaml` (a `String`), so that file is the document's one source.
///
/// The YAML is embedded as source code rather than shipped as a SwiftPM resource: a resource
/// needs a bundle directory next to the binary at run time, and the container image
/// (Deploy/Dockerfile) copies only the `lossd` binary. `openapi.yaml` is declared as the
/// command's input, so editing it reruns the tool and recompiles the target on the next build.
@main struct EmbedOpenAPI: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let input = context.package.directoryURL.appending(path: "openapi.yaml")
        let output = context.pluginWorkDirectoryURL.appending(path: "OpenAPIDocument.swift")
        return [
            .buildCommand(
                displayName: "Embedding openapi.yaml into \(target.name)",
                executable: try context.tool(named: "EmbedTextTool").url,
                arguments: [input.path(percentEncoded: false), output.path(percentEncoded: false), "OpenAPIDocument", "yaml"],
                inputFiles: [input],
                outputFiles: [output]
            ),
        ]
    }
}
