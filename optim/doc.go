// Package optim fits models with derivatives, as the lecture notes do by
// hand: gradient descent θₜ₊₁ = θₜ − η ∂L/∂θ and its relatives (momentum,
// Adam), Newton's method with nabla's exact Hessian, and gonum's BFGS
// and L-BFGS fed nabla's exact gradients; least squares by QR, SVD or the
// normal equations, the closed form where ∂L/∂θ = 0; and k-means by
// Lloyd's alternating updates, whose centroid step μₖ = Σₙ rₙₖ xₙ / Σₙ rₙₖ
// sets ∂L/∂μₖ to zero.
package optim
