/// The list of every loss in this package, in catalog order.
enum StandardLosses {
    static let all: [any Loss.Type] = [
        MSELoss.self,
        L1Loss.self, BCELoss.self, BCEWithLogitsLoss.self,
        SmoothL1Loss.self, HuberLoss.self, LogCoshLoss.self, CharbonnierLoss.self, QuantileLoss.self,
        PoissonNLLLoss.self, GaussianNLLLoss.self, SoftMarginLoss.self, HingeEmbeddingLoss.self,
        DiceLoss.self, IoULoss.self, DiceBCELoss.self, FocalLoss.self,
        CrossEntropyLoss.self,
        NLLLoss.self,
        TverskyLoss.self, FocalTverskyLoss.self, GeneralizedDiceLoss.self, ComboLoss.self, MCCLoss.self,
        KLDivLoss.self,
        MultilabelSoftMarginLoss.self,
        Poly1Loss.self,
        SoftmaxFocalLoss.self,
        LovaszHingeLoss.self,
        LovaszSoftmaxLoss.self,
    ]
}
