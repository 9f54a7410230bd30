/// The list of every loss in this package, in catalog order.
enum StandardLosses {
    static let all: [any Loss.Type] = [
        MSELoss.self,
        CrossEntropyLoss.self,
        NLLLoss.self,
        KLDivLoss.self,
        MultilabelSoftMarginLoss.self,
        Poly1Loss.self,
        SoftmaxFocalLoss.self,
        LovaszHingeLoss.self,
        LovaszSoftmaxLoss.self,
    ]
}
