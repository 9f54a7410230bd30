import Testing
import LossCore

@Suite struct RegistryTests {
    @Test("an ignore_index a uint8 target can never hold is a 422 naming ignore_index")
    func unreachableIgnoreIndex() throws {
        let inputs = LossInputs(input: try Tensor(shape: [2, 3], float32: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]),
                                target: try Tensor(shape: [2], storage: .uint8([0, 2])))
        let loss = try #require(LossRegistry.standard.loss(named: "cross_entropy"))
        #expect(throws: LossError.self) {
            try LossRegistry.standard.evaluate(loss, parameters: ["ignore_index": .number(300)], inputs: inputs)
        }
        do {
            _ = try LossRegistry.standard.evaluate(loss, parameters: ["ignore_index": .number(-1)], inputs: inputs)
            Issue.record("expected an error")
        } catch {
            #expect(error.field == "ignore_index")
        }
        // In range, it is fine.
        _ = try LossRegistry.standard.evaluate(loss, parameters: ["ignore_index": .number(2)], inputs: inputs)
    }

    @Test("every name and alias resolves to the loss that declares it")
    func namesAndAliasesResolve() throws {
        for descriptor in LossRegistry.standard.descriptors {
            for name in [descriptor.name] + descriptor.aliases {
                let loss = try #require(LossRegistry.standard.loss(named: name))
                #expect(loss.descriptor.name == descriptor.name)
            }
        }
    }

    @Test("a typo suggests the nearest name, transpositions included")
    func suggestions() {
        #expect(LossRegistry.standard.suggestion(for: "dcie") == "dice")
        #expect(LossRegistry.standard.suggestion(for: "cross_entropi") == "cross_entropy")
        #expect(LossRegistry.standard.suggestion(for: "zzzzzzzzzzzzzzzzzz") == nil)
    }

    @Test("a non-finite target is refused")
    func nonFiniteTarget() throws {
        let inputs = LossInputs(input: try Tensor(shape: [2], float32: [0.1, 0.2]),
                                target: try Tensor(shape: [2], float32: [.nan, 1]))
        do {
            _ = try LossRegistry.standard.evaluate(MSELoss.self, parameters: [:], inputs: inputs)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .invalidValue)
            #expect(error.field == "target")
        }
    }
}
